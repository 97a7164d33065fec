package io.recommender.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a 4xx with a JSON body saying what is wrong: never a 5xx, never a stack trace. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest implements TestPropertyProvider {
    @Inject
    EmbeddedServer server;
    Http http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("recommender.bundle-path", TestBundles.standard().toString());
    }

    @BeforeEach
    void client() {
        http = new Http(URI.create(server.getURL().toString()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"uid": "abc"}                  | 400 | uid
            {"uid": 1.5}                    | 400 | uid
            {"uid": true}                   | 400 | uid
            {"uid": {"a": 1}}               | 400 | uid
            {"uid": [1]}                    | 400 | uid
            {"uid": null}                   | 400 | uid
            {}                              | 400 | uid
            {"user": 1}                     | 400 | uid
            {"uid": 99999999999}            | 400 | uid
            {"uid": 1e400}                  | 400 | uid
            {"uid": "12"}                   | 400 | uid
            {"uid": 7.0}                    | 400 | uid
            [1, 2]                          | 400 | uid
            not json                        | 400 | the body is not valid JSON (line 1, column
            {"uid": 1                       | 400 | the body is not valid JSON
            '""'                            | 400 | uid
            {"uid": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]} | 400 | uid
            """)
    void badPredictBodies(String body, int status, String mentions) {
        assertBadRequest(http.post("/predict", body), status, mentions);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/recommendations/abc              | 400 | userId must be a whole number from -2147483648 to 2147483647, got "abc"
            /v1/recommendations/1.5              | 400 | userId must be a whole number
            /v1/recommendations/99999999999      | 400 | userId must be a whole number
            /v1/recommendations/1?k=0            | 400 | k must be greater than or equal to 1
            /v1/recommendations/1?k=-3           | 400 | k must be greater than or equal to 1
            /v1/recommendations/1?k=101          | 400 | k must be less than or equal to 100
            /v1/recommendations/1?k=99999999999  | 400 | k must be a whole number
            /v1/recommendations/1?k=ten          | 400 | k must be a whole number
            /v1/recommendations/                 | 404 | ''
            /v1/nothing                          | 404 | ''
            /predict                             | 405 | ''
            """)
    void badPathsAndQueries(String path, int status, String mentions) {
        assertBadRequest(http.get(path), status, mentions);
    }

    @Test
    void emptyBodyWrongContentTypeAndOversizedBody() {
        assertBadRequest(http.post("/predict", ""), 400, "");
        assertBadRequest(http.post("/predict", "{\"uid\": 1, \"uid\": \u0000}"), 400, "");
        assertBadRequest(http.post("/predict", "{\"uid\": 1}", "text/plain"), 415, "");
        String huge = "{\"uid\": 1, \"pad\": \"" + "x".repeat(64 * 1024) + "\"}";
        assertBadRequest(http.post("/predict", huge), 413, "");
        assertBadRequest(http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/predict"))
                .header("Content-Type", "application/json").header("Accept", "text/html,*/*;q=0.8")
                .POST(HttpRequest.BodyPublishers.ofString("{"))), 400, "");
    }

    @Test
    void unexpectedFailuresAreABare500WithoutDetails() {
        Http.Answer a = http.get("/test-only/boom");
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.json()).isEqualTo(Http.JSON.createObjectNode().put("error", "internal error"));
    }

    static void assertBadRequest(Http.Answer a, int status, String mentions) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.contentType()).as(a.body()).startsWith("application/json");
        String error = a.json().get("error").asText();
        assertThat(error).isNotBlank().contains(mentions);
        assertThat(a.body()).doesNotContain("Exception", "\tat ", "io.recommender", "io.micronaut");
        // Nothing of the parser's or the framework's own wording: it speaks of their internals, not the request.
        assertThat(error).doesNotContain("Failed to convert", "For input string", "Unrecognized token",
                "JSON String, Number", "Cannot deserialize", "[Source:", "due to", "recommendations.", "predict.");
    }
}
