package io.recommender.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnknownUserPolicyTest {
    @Test
    void notFoundPolicyAnswers404ForUnknownUsersOnly() {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1,
                "recommender.bundle-path", TestBundles.standard().toString(),
                "recommender.unknown-user", "not-found",
                "recommender.kernel", "scalar"))) {
            Http http = new Http(URI.create(server.getURL().toString()));
            Http.Answer unknown = http.get("/v1/recommendations/2");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).isEqualTo("unknown user 2");
            assertThat(http.post("/predict", "{\"uid\": 4}").status()).isEqualTo(404);
            Http.Answer known = http.get("/v1/recommendations/3");
            assertThat(known.status()).isEqualTo(200);
            assertThat(known.json().get("fallback").asBoolean()).isFalse();
            assertThat(http.get("/health/readiness").json().at("/details/model/details/kernel").asText())
                    .isEqualTo("scalar");
        }
    }
}
