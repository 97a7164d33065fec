package io.recommender.runtime.features;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.featurestore.testing.RedisServer;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} with {@code RECOMMENDER_FEATURE_SOURCE=redis} against a real redis-server: events
 * are stored as the replay says (shuffled, with re-ratings), bad input gets a 4xx naming the field, a
 * stopped Redis and a read-only replica get a 503 with Retry-After (and a log line), and it recovers.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsEndpointTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RedisServer redis;
    private static int[] movies;
    private static Map<Integer, Integer> genres;

    @Inject
    EmbeddedServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private LettuceUserStateStore store;

    @Override
    public Map<String, String> getProperties() {
        RedisServer.assumeInstalled();
        try {
            redis = RedisServer.launch();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        movies = ModelBundle.open(TestBundles.live()).items().ids();
        genres = new HashMap<>();
        for (int m : movies) {
            genres.put(m, (int) ((m * 2654435761L) & 0x7FFFF));
        }
        // The service's per-call bound is 20 ms by default; a shared 2-core test machine needs more.
        return Map.of("recommender.bundle-path", TestBundles.live().toString(),
                "recommender.features.source", "redis",
                "recommender.features.redis-url", redis.url(),
                "recommender.features.redis-prefix", "ev:",
                "recommender.features.redis-timeout", "3s");
    }

    @BeforeEach
    void reset() throws Exception {
        redis.start();
        redis.cli("REPLICAOF", "NO", "ONE");
        redis.cli("FLUSHALL");
        if (store == null) {
            store = LettuceUserStateStore.connect(RedisSettings.of(redis.url(), "ev:").withTimeout(Duration.ofSeconds(5)));
        }
        writeCatalog();
    }

    /** The test's own connection may still be reconnecting after a restart. */
    private void writeCatalog() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try {
                store.writeCatalog(genres);
                return;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    void stop() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String event(int user, int movie, double rating, long time) {
        return "{\"userId\": " + user + ", \"movieId\": " + movie + ", \"rating\": " + rating + ", \"timestamp\": " + time + "}";
    }

    @Test
    void oneEventIsStoredAndAcceptedAndAReRatingReplacesIt() throws Exception {
        HttpResponse<String> r = post("{\"userId\": 7, \"movieId\": " + movies[0] + ", \"rating\": 2}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(1);
        r = post("{\"userId\": 7, \"movieId\": " + movies[0] + ", \"rating\": 4.5}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        UserState s = store.read(7);
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.sumHalfStars()).isEqualTo(9);
        assertThat(s.items()).hasSize(1);
        assertThat(s.lastUpdate()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(redis.cli("XLEN", "ev:{events}").trim()).isEqualTo("2");
    }

    @Test
    void shuffledBatchesWithReRatingsGiveTheReplayedStateOfEveryUser() throws Exception {
        Random random = new Random(14);
        List<Event> finals = new ArrayList<>();
        Set<Long> pairs = new HashSet<>();
        for (int i = 0; i < 1500; i++) {
            int user = random.nextInt(30);
            int movie = movies[random.nextInt(movies.length)];
            if (pairs.add(((long) user << 32) | movie)) {
                finals.add(new Event(user, movie, 1 + random.nextInt(10), 1_600_000_000L + random.nextInt(1_000_000),
                        genres.get(movie)));
            }
        }
        List<Event> sent = new ArrayList<>(finals);
        for (int i = 0; i < finals.size(); i += 4) {
            Event e = finals.get(i);
            sent.add(new Event(e.userId(), e.movieId(), 1 + e.halfStars() % 10, e.time() - 1 - random.nextInt(100), e.genres()));
            sent.add(e);
        }
        Collections.shuffle(sent, random);
        for (int i = 0; i < sent.size(); i += 100) {
            StringBuilder b = new StringBuilder("{\"events\": [");
            List<Event> part = sent.subList(i, Math.min(sent.size(), i + 100));
            for (int j = 0; j < part.size(); j++) {
                Event e = part.get(j);
                b.append(j == 0 ? "" : ", ").append(event(e.userId(), e.movieId(), e.halfStars() / 2.0, e.time()));
            }
            HttpResponse<String> r = post(b.append("]}").toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(part.size());
        }
        Map<Integer, UserState> expected = UserStates.replay(finals);
        assertThat(expected).hasSize(30);
        for (UserState s : expected.values()) {
            assertThat(store.read(s.userId())).isEqualTo(s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"userId": 1, "movieId": 999999999, "rating": 4}        | 422 | movieId   | not one the model knows
            {"userId": 1, "movieId": MOVIE, "rating": 5.5}          | 400 | rating    | 5.5 is not one of 0.5
            {"userId": 1, "movieId": MOVIE, "rating": 4.25}         | 400 | rating    | not one of 0.5
            {"userId": 1, "movieId": MOVIE, "rating": 0}            | 400 | rating    | not one of 0.5
            {"userId": 1, "movieId": MOVIE, "rating": "4"}          | 400 | rating    | must be a number
            {"userId": 1, "movieId": MOVIE}                         | 400 | rating    | rating is required
            {"userId": 2147483648, "movieId": MOVIE, "rating": 4}   | 400 | userId    | out of range (0..2147483647)
            {"userId": 99999999999999999999999, "movieId": MOVIE, "rating": 4} | 400 | userId | out of range
            {"userId": -1, "movieId": MOVIE, "rating": 4}           | 400 | userId    | out of range
            {"userId": 1.5, "movieId": MOVIE, "rating": 4}          | 400 | userId    | must be a whole number
            {"movieId": MOVIE, "rating": 4}                         | 400 | userId    | userId is required
            {"userId": 1, "movieId": "x", "rating": 4}              | 400 | movieId   | must be a whole number
            {"userId": 1, "movieId": MOVIE, "rating": 4, "timestamp": 99999999999} | 400 | timestamp | not in the future
            {"events": []}                                          | 400 | events    | non-empty list
            {"events": [1]}                                         | 400 | events[0] | an event is an object
            {"events": [{"userId": 1, "movieId": MOVIE, "rating": 4}, {"userId": 1, "movieId": MOVIE, "rating": 9}]} | 400 | events[1].rating | 9 is not one of
            {"events": [], "userId": 1}                             | 400 | events    | nothing beside
            [1, 2]                                                  | 400 |           | must be a JSON object
            not json                                                | 400 |           | malformed JSON
            {"userId": 1                                            | 400 |           | malformed JSON
            """)
    void badInputGetsA4xxNamingTheFieldAndStoresNothing(String body, int status, String field, String says)
            throws Exception {
        HttpResponse<String> r = post(body.replace("MOVIE", Integer.toString(movies[1])));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("error").asText()).contains(says);
        if (field != null) {
            assertThat(answer.get("field").asText()).isEqualTo(field);
        }
        assertThat(redis.cli("DBSIZE").trim()).isEqualTo("1");
    }

    @Test
    void anOversizeBatchIsRefused() throws Exception {
        StringBuilder b = new StringBuilder("{\"events\": [");
        for (int i = 0; i < 101; i++) {
            b.append(i == 0 ? "" : ",").append("{\"userId\":1,\"movieId\":").append(movies[i]).append(",\"rating\":4}");
        }
        HttpResponse<String> r = post(b.append("]}").toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("at most 100 events");
        assertThat(redis.cli("DBSIZE").trim()).isEqualTo("1");
    }

    @Test
    void aStoppedRedisGets503WithRetryAfterAndTheServiceRecovers() throws Exception {
        redis.stop();
        HttpResponse<String> r = post("{\"userId\": 3, \"movieId\": " + movies[2] + ", \"rating\": 3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(r.body()).contains("none is acknowledged");
        redis.start();
        writeCatalog();
        long deadline = System.currentTimeMillis() + 15_000;
        do {
            r = post("{\"userId\": 3, \"movieId\": " + movies[2] + ", \"rating\": 3}");
            if (r.statusCode() == 202) {
                break;
            }
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(store.read(3).count()).isEqualTo(1);
    }

    @Test
    void aReadOnlyReplicaGets503AndAClearLogLine() throws Exception {
        post("{\"userId\": 4, \"movieId\": " + movies[2] + ", \"rating\": 3}");
        Logger logger = (Logger) LoggerFactory.getLogger(EventsController.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (RedisServer other = RedisServer.launch()) {
            redis.cli("REPLICAOF", "127.0.0.1", Integer.toString(other.port()));
            HttpResponse<String> r = post("{\"userId\": 4, \"movieId\": " + movies[3] + ", \"rating\": 3}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(r.body()).contains("read-only replica").contains("READONLY");
            assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("events refused with 503").contains("READONLY"));
        } finally {
            logger.detachAppender(logged);
            redis.cli("REPLICAOF", "NO", "ONE");
        }
    }

    @Test
    void aCorruptValueWrittenBySomeoneElseGets503AndTheOtherUsersAreUntouched() throws Exception {
        redis.cli("SET", "ev:{u:5}:s", "garbage");
        HttpResponse<String> r = post("{\"userId\": 5, \"movieId\": " + movies[2] + ", \"rating\": 3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.body()).contains("ev:{u:5}:s is a string");
        assertThat(post("{\"userId\": 6, \"movieId\": " + movies[2] + ", \"rating\": 3}").statusCode()).isEqualTo(202);
    }
}
