package io.recommender.training.cli;

import io.recommender.contracts.features.MaterializeResult;
import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisClusterNodes;
import io.recommender.featurestore.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training-job materialize} against a real redis-server: ml-latest-small's every user as the in-memory
 * replay has it (read by the feature store's own test parser, not the command's reader), twice gives the
 * same keys, a cluster works, bad input and an unreachable Redis end with a message. Prints the throughput.
 */
class MaterializeCommandTest {
    private static Path data;
    private static Map<Integer, UserState> expected;

    @BeforeAll
    static void replay() throws Exception {
        RedisServer.assumeInstalled();
        data = MovieLensSmall.dir();
        expected = UserStates.replay(MovieLensSmall.events());
    }

    @Test
    void writesEveryUsersStateAndTwiceGivesTheSameKeys() throws Exception {
        try (RedisServer redis = RedisServer.launch("--enable-debug-command", "yes")) {
            Path result = Files.createTempFile("materialize-", ".json");
            String out = run("materialize", "--data", data.toString(), "--redis", redis.url(), "--prefix", "ml:",
                    "--result-file", result.toString());
            System.out.print(out);
            assertThat(out).contains("materialized 610 users, 100836 ratings (100836 in histories), 9742 movies")
                    .contains("ratings/s: read and replay");
            assertThat(MaterializeResult.fromJson(Files.readString(result)))
                    .isEqualTo(new MaterializeResult(610, 100836, 9742));
            String digest = redis.cli("DEBUG", "DIGEST");
            String keys = redis.cli("DBSIZE");
            assertThat(keys.trim()).isEqualTo(String.valueOf(610 * 3 + 1));
            System.out.print(run("materialize", "--data", data.toString(), "--redis", redis.url(), "--prefix", "ml:"));
            assertThat(redis.cli("DEBUG", "DIGEST")).isEqualTo(digest);
            assertThat(redis.cli("DBSIZE")).isEqualTo(keys);
            try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                    RedisSettings.of(redis.url(), "ml:").withTimeout(Duration.ofSeconds(10)))) {
                for (UserState s : expected.values()) {
                    assertThat(store.read(s.userId())).isEqualTo(s);
                }
                assertThat(store.readCatalog()).isEqualTo(MovieLensSmall.genres());
            }
        }
    }

    @Test
    void loadsARedisCluster() throws Exception {
        try (RedisClusterNodes cluster = RedisClusterNodes.start()) {
            System.out.print(run("materialize", "--data", data.toString(), "--redis", cluster.url()));
            try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                    RedisSettings.of(cluster.url(), "rec:").withTimeout(Duration.ofSeconds(10)))) {
                assertThat(store.isCluster()).isTrue();
                for (UserState s : expected.values()) {
                    assertThat(store.read(s.userId())).isEqualTo(s);
                }
            }
        }
    }

    @Test
    void badRatingsAndAnUnreachableRedisEndWithAMessage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,Toy Story (1995),Comedy\n");
        Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.25,5\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(TrainingJobCommandAccess.execute("materialize", "--data", dir.toString(), "--redis",
                    "redis://127.0.0.1:1")).isEqualTo(1);
            Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.5,5\n");
            int port = RedisServer.freePort();
            assertThat(TrainingJobCommandAccess.execute("materialize", "--data", dir.toString(), "--redis",
                    "redis://:pw@127.0.0.1:" + port)).isEqualTo(1);
        } finally {
            System.setErr(old);
        }
        String messages = err.toString(StandardCharsets.UTF_8);
        assertThat(messages).contains("ratings.csv").contains("4.25 is not one of 0.5");
        assertThat(messages).contains("error: connecting to redis://***@127.0.0.1:").doesNotContain("pw@");
    }

    @Test
    void takesThePasswordFromItsEnvironmentAsTheServiceDoes(@TempDir Path dir) throws Exception {
        try (RedisServer redis = RedisServer.launch("--requirepass", "s3cret-pw")) {
            Path result = dir.resolve("result");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), TrainingJobCommand.class.getName(), "materialize",
                    "--data", data.toString(), "--redis", redis.url(), "--result-file", result.toString())
                    .redirectErrorStream(true);
            pb.environment().put(MaterializeCommand.PASSWORD_ENV, "s3cret-pw");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).contains("materialized 610 users").doesNotContain("s3cret-pw");
            assertThat(MaterializeResult.fromJson(Files.readString(result)).users()).isEqualTo(610);

            pb.environment().put(MaterializeCommand.PASSWORD_ENV, "wrong");
            p = pb.start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isNotZero();
            assertThat(Files.readString(result).strip()).doesNotContain("wrong").doesNotContain("\n").isNotEmpty();
        }
    }

    private static String run(String... args) {
        return TrainingJobCommandAccess.output(args);
    }
}
