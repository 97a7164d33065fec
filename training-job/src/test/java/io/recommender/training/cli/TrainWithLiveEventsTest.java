package io.recommender.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --live-events-redis}: ratings the running service stored in a real redis-server's events stream
 * are learned from, a user only the stream knows included; an unreachable store fails the run with a message.
 */
class TrainWithLiveEventsTest {
    static final int NEW_USER = 100_000;

    @Test
    void aUserWhoOnlyRatedThroughTheServiceIsInTheTrainedModel(@TempDir Path out) throws Exception {
        RedisServer.assumeInstalled();
        Map<Integer, Integer> genres = MovieLensSmall.genres();
        try (RedisServer redis = RedisServer.launch();
                LettuceUserStateStore store = LettuceUserStateStore.connect(
                        RedisSettings.of(redis.url(), "shop:").withTimeout(Duration.ofSeconds(10)))) {
            List<Event> events = new ArrayList<>();
            int[] movies = genres.keySet().stream().mapToInt(Integer::intValue).sorted().limit(25).toArray();
            for (int i = 0; i < movies.length; i++) {
                events.add(new Event(NEW_USER, movies[i], 10 - i % 5, 1_800_000_000L + i, genres.get(movies[i])));
            }
            store.record(events);
            String log = run("train", "--data", MovieLensSmall.dir().toString(), "--out", out.resolve("b").toString(),
                    "--epochs", "1", "--live-events-redis", redis.url(), "--live-events-prefix", "shop:");
            assertThat(log).contains("live events: 25 ratings read from shop:{events}")
                    .contains("live events: 25 read; 25 ratings added, 0 replaced")
                    .contains("1 users new to the data")
                    .contains("data: 100861 ratings, 611 users, 9742 movies");
            ModelBundle bundle = ModelBundle.open(out.resolve("b"));
            assertThat(Arrays.binarySearch(bundle.userInputs().ids(), NEW_USER)).isNotNegative();
            assertThat(bundle.manifest().dataFingerprint()).endsWith(" + 25 live events");
        }
    }

    @Test
    void anUnreachableStoreFailsTheRunWithAMessage(@TempDir Path out) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = TrainingJobCommandAccess.execute("train", "--data", MovieLensSmall.dir().toString(), "--out",
                    out.resolve("b").toString(), "--epochs", "1", "--live-events-redis", "redis://127.0.0.1:1");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read the live events from redis://127.0.0.1:1");
    }

    private static String run(String... args) {
        return TrainingJobCommandAccess.output(args);
    }
}
