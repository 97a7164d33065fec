package io.recommender.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The result cache answers exactly what the uncached search answers: same items, same scores, same order
 * among equal scores, for every user and several k, whether a request filled the cache or was served by it,
 * and whether or not users evict each other.
 */
class CachedAnswersTest {
    static final List<Integer> KS = List.of(1, 2, 9, 10, 11, 37, 99, 100);

    static EmbeddedServer service(Path bundle, Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put("micronaut.server.port", -1);
        all.put("recommender.bundle-path", bundle.toString());
        return ApplicationContext.run(EmbeddedServer.class, all);
    }

    static Http http(EmbeddedServer server) {
        return new Http(URI.create(server.getURL().toString()));
    }

    @Test
    void cachedAnswersEqualUncachedOnesForEveryUserWithTiedScores() {
        Path bundle = TestBundles.tied();
        try (EmbeddedServer off = service(bundle, Map.of("recommender.result-cache", false));
                EmbeddedServer all = service(bundle, Map.of());
                EmbeddedServer small = service(bundle, Map.of("recommender.result-cache-size", 7))) {
            boolean tiesSeen = false;
            int knownRequests = 0;
            for (int user = 1; user <= 2 * TestBundles.USERS; user++) {
                for (int k : KS) {
                    String path = "/v1/recommendations/" + user + "?k=" + k;
                    Http.Answer expected = http(off).get(path);
                    assertThat(expected.status()).isEqualTo(200);
                    tiesSeen |= hasEqualAdjacentScores(expected.json().get("items"));
                    for (EmbeddedServer cached : List.of(all, small)) {
                        // The first request of a user fills the cache, the second is answered from it.
                        assertThat(http(cached).get(path).body()).as("user %d k %d", user, k).isEqualTo(expected.body());
                        assertThat(http(cached).get(path).body()).as("user %d k %d", user, k).isEqualTo(expected.body());
                    }
                }
                String uid = "{\"uid\": " + user + "}";
                String predicted = http(off).post("/predict", uid).body();
                assertThat(http(all).post("/predict", uid).body()).as("user %d", user).isEqualTo(predicted);
                assertThat(http(small).post("/predict", uid).body()).as("user %d", user).isEqualTo(predicted);
                if (user % 2 == 1) {
                    knownRequests += 2 * KS.size() + 1;
                }
            }
            assertThat(tiesSeen).as("the fixture makes equal scores in answers").isTrue();

            String metrics = http(all).get("/metrics").body();
            assertThat(counter(metrics, "recommender_result_cache_gets_total", "result=\"miss\""))
                    .as("one miss per known user").isEqualTo(TestBundles.USERS);
            assertThat(counter(metrics, "recommender_result_cache_gets_total", "result=\"hit\""))
                    .isEqualTo(knownRequests - TestBundles.USERS);
            assertThat(counter(metrics, "recommender_result_cache_evictions_total", "")).isZero();
            assertThat(counter(http(small).get("/metrics").body(), "recommender_result_cache_evictions_total", ""))
                    .as("40 users in 7 slots").isPositive();
            String uncached = http(off).get("/metrics").body();
            assertThat(counter(uncached, "recommender_result_cache_gets_total", "result=\"miss\"")).isZero();
            assertThat(counter(uncached, "recommender_result_cache_gets_total", "result=\"hit\"")).isZero();
        }
    }

    @Test
    void cachedAnswersEqualUncachedOnesForEveryUserOfTheRealBundle() throws Exception {
        Path bundle = TestBundles.real();
        int[] users = ModelBundle.open(bundle).userInputs().ids();
        try (EmbeddedServer off = service(bundle, Map.of("recommender.result-cache", false));
                EmbeddedServer on = service(bundle, Map.of())) {
            for (int user : users) {
                // k = 1 is the first answer of k = 10; the tied-scores test above covers every k.
                for (int k : List.of(10, 100)) {
                    String path = "/v1/recommendations/" + user + "?k=" + k;
                    Http.Answer expected = http(off).get(path);
                    assertThat(expected.status()).isEqualTo(200);
                    assertThat(http(on).get(path).body()).as("user %d k %d", user, k).isEqualTo(expected.body());
                    assertThat(http(on).get(path).body()).as("user %d k %d", user, k).isEqualTo(expected.body());
                }
                String uid = "{\"uid\": " + user + "}";
                assertThat(http(on).post("/predict", uid).body()).as("user %d", user)
                        .isEqualTo(http(off).post("/predict", uid).body());
            }
            assertThat(counter(http(on).get("/metrics").body(), "recommender_result_cache_gets_total",
                    "result=\"miss\"")).isEqualTo(users.length);
        }
    }

    private static boolean hasEqualAdjacentScores(JsonNode items) {
        for (int i = 1; i < items.size(); i++) {
            if (items.get(i).get("score").asDouble() == items.get(i - 1).get("score").asDouble()) {
                return true;
            }
        }
        return false;
    }

    /** A counter's value in Prometheus text, by name and one label (or none). */
    private static long counter(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{?" + Pattern.quote(label) + ",?\\}? (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + " " + label + " in\n" + metrics).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
