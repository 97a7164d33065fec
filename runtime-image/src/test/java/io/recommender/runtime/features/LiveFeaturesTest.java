package io.recommender.runtime.features;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisServer;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * {@code RECOMMENDER_FEATURE_SOURCE=redis} on the real ml-latest-small bundle trained by the training job, with a
 * real redis-server holding every user's state (the initial load's): events change the next answer, a user the
 * model never saw is served personally once they have events, a stopped or too slow Redis gives stale answers and no
 * 5xx and then recovers, a corrupt value gives a clear log line and no 5xx.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveFeaturesTest implements TestPropertyProvider {
    private static final String PREFIX = "live:";
    private static RedisServer redis;
    private static Path bundle;
    private static Map<Integer, UserState> initial;

    @Inject
    EmbeddedServer server;
    private Http http;

    @Override
    public Map<String, String> getProperties() {
        RedisServer.assumeInstalled();
        try {
            bundle = TestBundles.real();
            redis = RedisServer.launch();
            initial = UserStates.replay(MovieLensSmall.events());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // The service's per-call bound is 20 ms by default; a shared 2-core test machine needs more.
        return Map.of("recommender.bundle-path", bundle.toString(),
                "recommender.features.source", "redis",
                "recommender.features.redis-url", redis.url(),
                "recommender.features.redis-prefix", PREFIX,
                "recommender.features.redis-timeout", "2s");
    }

    @BeforeEach
    void load() throws Exception {
        http = new Http(server.getURI());
        redis.start();
        redis.cli("FLUSHALL");
        try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                RedisSettings.of(redis.url(), PREFIX).withTimeout(Duration.ofSeconds(10)))) {
            store.writeCatalog(MovieLensSmall.genres());
            store.writeAll(initial.values());
        }
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private JsonNode recommend(int userId) {
        Http.Answer a = http.get("/v1/recommendations/" + userId + "?k=20");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json();
    }

    private static Map<Integer, Double> scores(JsonNode answer) {
        Map<Integer, Double> out = new HashMap<>();
        answer.get("items").forEach(i -> out.put(i.get("movieId").asInt(), i.get("score").asDouble()));
        return out;
    }

    private static List<Integer> movies(JsonNode answer) {
        List<Integer> out = new ArrayList<>();
        answer.get("items").forEach(i -> out.add(i.get("movieId").asInt()));
        return out;
    }

    private void rate(int userId, int movieId, double rating) {
        Http.Answer a = http.post("/v1/events", "{\"userId\": " + userId + ", \"movieId\": " + movieId
                + ", \"rating\": " + rating + "}");
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    @Test
    void anEventChangesTheNextAnswerAndTheCacheServesOnlyAnUnchangedState() {
        // User 11 is asked for by no other test, so the first request is not served from an earlier test's ranking.
        Http.Answer first = http.get("/v1/recommendations/11?k=20");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Recommender-Cache")).isEqualTo("miss");
        assertThat(first.json().get("fallback").asBoolean()).isFalse();
        assertThat(first.json().has("stale")).isFalse();
        Http.Answer again = http.get("/v1/recommendations/11?k=20");
        assertThat(again.header("X-Recommender-Cache")).isEqualTo("hit");
        assertThat(again.body()).isEqualTo(first.body());
        // Nothing user 11 rated is recommended: the seen set is the state's.
        Set<Integer> rated = new TreeSet<>();
        initial.get(11).items().forEach(i -> rated.add(i.movieId()));
        assertThat(movies(first.json())).doesNotContainAnyElementsOf(rated);

        int top = movies(first.json()).get(0);
        rate(11, top, 5.0);
        Http.Answer after = http.get("/v1/recommendations/11?k=20");
        assertThat(after.header("X-Recommender-Cache")).isEqualTo("miss");
        assertThat(movies(after.json())).doesNotContain(top);
        Map<Integer, Double> before = scores(first.json());
        Map<Integer, Double> now = scores(after.json());
        long moved = now.keySet().stream().filter(before::containsKey)
                .filter(m -> !before.get(m).equals(now.get(m))).count();
        assertThat(moved).as("scores of movies in both answers that moved").isPositive();
        assertThat(http.get("/v1/recommendations/11?k=20").header("X-Recommender-Cache")).isEqualTo("hit");
    }

    @Test
    void aUserTheModelNeverSawIsServedPersonallyOnceTheyHaveEvents() {
        int stranger = 9_000_001;
        JsonNode cold = recommend(stranger);
        assertThat(cold.get("fallback").asBoolean()).as("no state at all: popularity").isTrue();
        int[] liked = {1, 2571, 260, 1196, 1210};
        for (int movie : liked) {
            rate(stranger, movie, 5.0);
        }
        JsonNode warm = recommend(stranger);
        assertThat(warm.get("fallback").asBoolean()).isFalse();
        assertThat(warm.has("stale")).isFalse();
        assertThat(movies(warm)).doesNotContain(1, 2571, 260, 1196, 1210);
        assertThat(movies(warm)).isNotEqualTo(movies(cold));
        // Different tastes, different answers: the features, not the unknown ID, drive it.
        int other = 9_000_002;
        for (int movie : new int[] {1, 2, 3, 4, 5}) {
            rate(other, movie, 1.0);
        }
        assertThat(movies(recommend(other))).isNotEqualTo(movies(warm));
    }

    @Test
    void aStoppedRedisGivesStaleAnswersAndNo5xxThenItRecovers() throws Exception {
        JsonNode live = recommend(1);
        assertThat(live.has("stale")).isFalse();
        redis.stop();
        for (int user : new int[] {1, 2, 3, 9_000_003}) {
            JsonNode a = recommend(user);
            assertThat(a.get("stale").asBoolean()).as("user %d", user).isTrue();
            assertThat(a.get("items")).isNotEmpty();
        }
        assertThat(recommend(9_000_003).get("fallback").asBoolean()).isTrue();
        Http.Answer health = http.get("/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().at("/details/featureStore/details/degraded").asBoolean()).as(health.body()).isTrue();
        assertThat(http.get("/health/readiness").status()).isEqualTo(200);
        assertThat(http.get("/metrics").body()).contains("recommender_features_degraded 1.0");

        redis.start();
        load();
        JsonNode recovered = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            recovered = recommend(1);
            if (!recovered.has("stale")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(recovered.has("stale")).as("recovered on its own").isFalse();
        assertThat(movies(recovered)).isEqualTo(movies(live));
        assertThat(http.get("/health").json().at("/details/featureStore/details/degraded").asBoolean()).isFalse();
        assertThat(http.get("/metrics").body()).contains("recommender_features_degraded 0.0");
    }

    @Test
    void aRedisSlowerThanTheTimeoutGivesStaleAnswersAndNo5xx() throws Exception {
        assertThat(recommend(1).has("stale")).isFalse();
        // Every command waits 3 s, over the service's 2 s bound.
        redis.cli("CLIENT", "PAUSE", "3000", "ALL");
        JsonNode slow = recommend(1);
        assertThat(slow.get("stale").asBoolean()).isTrue();
        assertThat(slow.get("items")).isNotEmpty();
        Thread.sleep(1500);
        JsonNode recovered = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            recovered = recommend(1);
            if (!recovered.has("stale")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(recovered.has("stale")).as("recovered on its own").isFalse();
    }

    @Test
    void aCorruptValueGivesAClearLogLineAndAStaleAnswerAndOtherUsersAreServedLive() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(FeatureStoreHealth.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            redis.cli("DEL", PREFIX + "{u:5}:s");
            redis.cli("SET", PREFIX + "{u:5}:s", "garbage");
            JsonNode corrupt = recommend(5);
            assertThat(corrupt.get("stale").asBoolean()).isTrue();
            assertThat(corrupt.get("items")).isNotEmpty();
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("user 5's state is corrupt").contains(PREFIX + "{u:5}:s"));
            assertThat(recommend(7).has("stale")).isFalse();
        } finally {
            logger.detachAppender(logs);
        }
    }
}
