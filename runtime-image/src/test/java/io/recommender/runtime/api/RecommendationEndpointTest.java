package io.recommender.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The two recommendation endpoints on the real HTTP server, embedded embeddings, the fixture bundle. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecommendationEndpointTest implements TestPropertyProvider {
    @Inject
    EmbeddedServer server;
    Http http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("recommender.bundle-path", TestBundles.standard().toString(),
                "recommender.embedding-source", "embedded");
    }

    @BeforeEach
    void client() {
        http = new Http(URI.create(server.getURL().toString()));
    }

    @Test
    void predictKeepsTheReferenceServiceShape() {
        Http.Answer a = http.post("/predict", "{\"uid\": 7}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).startsWith("application/json");
        JsonNode body = a.json();
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("Recommended").isArray()).isTrue();
        int[] ids = ids(body.get("Recommended"));
        assertThat(ids).hasSize(10);
        assertThat(ids).containsExactly(TestBundles.bruteForce(TestBundles.standard(), 7, 10).stream()
                .mapToInt(e -> (int) e[0]).toArray());
    }

    @Test
    void recommendationsAreTheExactTopKWithoutSeenItems() {
        ModelBundle bundle = ModelBundle.open(TestBundles.standard());
        for (int user = 1; user < 2 * TestBundles.USERS; user += 2) {
            JsonNode body = http.get("/v1/recommendations/" + user + "?k=25").json();
            assertThat(body.get("userId").asInt()).isEqualTo(user);
            assertThat(body.get("modelName").asText()).isEqualTo("movies");
            assertThat(body.get("modelVersion").asLong()).isEqualTo(TestBundles.VERSION);
            assertThat(body.get("fallback").asBoolean()).isFalse();
            List<double[]> expected = TestBundles.bruteForce(TestBundles.standard(), user, 25);
            JsonNode items = body.get("items");
            assertThat(items.size()).isEqualTo(25);
            int[] seen = bundle.seen().seenBy(user);
            for (int i = 0; i < 25; i++) {
                JsonNode item = items.get(i);
                int movie = item.get("movieId").asInt();
                assertThat(Arrays.binarySearch(seen, movie)).as("seen movie %d recommended", movie).isNegative();
                assertThat(item.get("score").asDouble()).isCloseTo(expected.get(i)[1], within(1e-4));
                assertThat(item.get("title").asText()).isEqualTo(bundle.titles().get(movie));
            }
            assertThat(ids(items, "movieId")).containsExactly(expected.stream().mapToInt(e -> (int) e[0]).toArray());
        }
    }

    @Test
    void kDefaultsToTenAndGoesToTheBound() {
        assertThat(http.get("/v1/recommendations/1").json().get("items").size()).isEqualTo(10);
        assertThat(http.get("/v1/recommendations/1?k=1").json().get("items").size()).isEqualTo(1);
        assertThat(http.get("/v1/recommendations/1?k=100").json().get("items").size()).isEqualTo(100);
    }

    @Test
    void unknownUserGetsTheMostPopularItemsMarkedAsFallback() {
        ModelBundle bundle = ModelBundle.open(TestBundles.standard());
        float[] counts = bundle.itemPopularity().values();
        int[] mostRated = IntStream.range(0, counts.length).boxed()
                .sorted((a, b) -> counts[a] != counts[b] ? Float.compare(counts[b], counts[a]) : Integer.compare(a, b))
                .limit(10).mapToInt(row -> bundle.items().ids()[row]).toArray();

        JsonNode body = http.get("/v1/recommendations/2").json();
        assertThat(body.get("fallback").asBoolean()).isTrue();
        assertThat(ids(body.get("items"), "movieId")).containsExactly(mostRated);
        assertThat(ids(http.post("/predict", "{\"uid\": -5}").json().get("Recommended"))).containsExactly(mostRated);
    }

    static int[] ids(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] ids(JsonNode items, String field) {
        List<Integer> out = new ArrayList<>();
        items.forEach(n -> out.add(n.get(field).asInt()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
