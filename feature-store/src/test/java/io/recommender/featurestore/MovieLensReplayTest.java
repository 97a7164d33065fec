package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisClusterNodes;
import io.recommender.featurestore.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ml-latest-small, every user: the in-memory replay equals what Redis holds after the bulk load, and after
 * the same ratings arrive as live events in shuffled order with re-ratings; on one server and on a
 * three-node Redis Cluster.
 */
class MovieLensReplayTest {
    private static List<Event> ratings;
    private static Map<Integer, UserState> replayed;

    @BeforeAll
    static void read() throws Exception {
        RedisServer.assumeInstalled();
        ratings = MovieLensSmall.events();
        replayed = UserStates.replay(ratings);
    }

    @Test
    void singleServer() throws Exception {
        try (RedisServer redis = RedisServer.launch()) {
            check(redis.url(), redis::cli);
        }
    }

    @Test
    void threeNodeCluster() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            check(cluster.url(), args -> {
                StringBuilder b = new StringBuilder();
                cluster.nodes().forEach(n -> b.append(n.cli(args)));
                return b.toString();
            });
            // The users' keys are spread over the three nodes.
            for (RedisServer n : cluster.nodes()) {
                assertThat(Integer.parseInt(n.cli("DBSIZE").trim())).isGreaterThan(100);
            }
        }
    }

    interface Cli {
        String run(String... args);
    }

    private static void check(String url, Cli cli) {
        assertThat(ratings).hasSize(100_836);
        assertThat(replayed).hasSize(610);
        try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                RedisSettings.of(url, "ml:").withTimeout(Duration.ofSeconds(30)))) {
            long t0 = System.nanoTime();
            long written = store.writeAll(replayed.values());
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("bulk load (%s): %d ratings of %d users in %.3f s = %.0f ratings/s%n",
                    store.isCluster() ? "3-node cluster" : "one server", written, replayed.size(), seconds,
                    written / seconds);
            assertThat(written).isEqualTo(100_836);
            assertAllEqual(store);

            cli.run("FLUSHALL");
            List<Event> events = new ArrayList<>(ratings);
            Random random = new Random(14);
            // Re-ratings: a different, older rating of every tenth rated movie, and the same rating again.
            for (int i = 0; i < ratings.size(); i += 10) {
                Event e = ratings.get(i);
                events.add(new Event(e.userId(), e.movieId(), 1 + e.halfStars() % 10, e.time() - 1 - random.nextInt(1000),
                        e.genres()));
                events.add(e);
            }
            Collections.shuffle(events, random);
            t0 = System.nanoTime();
            for (int i = 0; i < events.size(); i += 100) {
                store.record(events.subList(i, Math.min(events.size(), i + 100)));
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("live events (%s): %d in batches of 100 in %.3f s = %.0f events/s%n",
                    store.isCluster() ? "3-node cluster" : "one server", events.size(), seconds, events.size() / seconds);
            assertAllEqual(store);
        }
    }

    private static void assertAllEqual(UserStateStore store) {
        for (UserState expected : replayed.values()) {
            assertThat(store.read(expected.userId())).isEqualTo(expected);
        }
    }
}
