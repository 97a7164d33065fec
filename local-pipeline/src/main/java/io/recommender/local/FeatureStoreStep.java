package io.recommender.local;

import io.recommender.api.v1alpha1.FeaturesSpec;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.TrainingSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A manifest with {@code features.source: Redis}, on this machine: the operator's initial load and the service's
 * settings, against a {@code redis-server} of its own. The manifest's Redis address names a cluster's Redis, so a
 * local server on a free loopback port stands in for it (no persistence, its files under the run's directory); the
 * initial load is {@code training-job materialize} from the training data, as the operator's Job runs it. Closing
 * it stops the server.
 */
final class FeatureStoreStep {
    /** Bound on the initial load (ml-latest-small takes about a second). */
    static final long LOAD_TIMEOUT_SECONDS = 600;
    static final long START_TIMEOUT_SECONDS = 10;

    private FeatureStoreStep() {}

    /** A running local Redis, loaded; {@link #env} are the service's settings. */
    record RunningStore(ChildProcess server, int port, String prefix, String loadSummary) implements AutoCloseable {
        String url() {
            return "redis://127.0.0.1:" + port;
        }

        /** The recommender service's settings (runtime-image reads these names). */
        Map<String, String> env() {
            return Map.of("RECOMMENDER_FEATURE_SOURCE", "redis", "RECOMMENDER_REDIS_URL", url(),
                    "RECOMMENDER_REDIS_PREFIX", prefix);
        }

        /** How many keys the store holds (redis-cli DBSIZE), or -1 when it cannot say. */
        long keys() {
            String out = cli(port, "DBSIZE").strip();
            try {
                return Long.parseLong(out);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Whether the manifest asks for a Redis feature store. */
    static boolean wanted(Recommender r) {
        FeaturesSpec f = r.getSpec().features();
        return f != null && f.source() == FeaturesSpec.FeatureSource.Redis;
    }

    /** The key prefix: the manifest's, else the operator's default for this Recommender. */
    static String prefix(Recommender r) {
        FeaturesSpec.RedisSpec redis = r.getSpec().features().redis();
        if (redis != null && redis.prefix() != null) {
            return redis.prefix();
        }
        String namespace = r.getMetadata().getNamespace() == null ? "default" : r.getMetadata().getNamespace();
        return FeaturesSpec.defaultPrefix(namespace, r.getMetadata().getName());
    }

    static RunningStore start(Recommender r, ProjectLayout layout, Path out, PrintStream console)
            throws IOException, InterruptedException {
        if (!onPath("redis-server") || !onPath("redis-cli")) {
            throw new LocalPipelineException("features.source Redis needs redis-server and redis-cli on this machine "
                    + "(Debian package redis-server; scripts/setup.sh installs it)");
        }
        Path dir = out.resolve("redis");
        Files.createDirectories(dir);
        int port = freePort();
        List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no");
        ChildProcess server = ChildProcess.start("redis-server", command, Map.of(), dir.resolve("redis.log"));
        try {
            awaitPong(server, port);
            String prefix = prefix(r);
            note(r, console);
            String summary = load(r, layout, out, port, prefix, console);
            RunningStore store = new RunningStore(server, port, prefix, summary);
            console.println("feature store: " + store.url() + ", prefix '" + prefix + "', " + store.keys() + " keys");
            return store;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The initial load, as the operator's Job runs it; an artifact names no data, so nothing is loaded. */
    private static String load(Recommender r, ProjectLayout layout, Path out, int port, String prefix,
            PrintStream console) throws IOException, InterruptedException {
        TrainingSpec training = r.getSpec().model().training();
        if (training == null) {
            console.println("feature store: spec.model.artifact names no training data; the store starts empty");
            return null;
        }
        Path data = TrainingStep.dataset(training.dataset(), layout);
        List<String> command = new ArrayList<>(List.of(ProjectLayout.java(), "-jar", layout.trainingJar().toString(),
                "materialize", "--data", data.toString(), "--redis", "redis://127.0.0.1:" + port,
                "--prefix", prefix));
        Path log = out.resolve("materialize.log");
        try (ChildProcess materialize = ChildProcess.start("materialize", command, Map.of(), log)) {
            int exit = materialize.waitFor(LOAD_TIMEOUT_SECONDS);
            if (exit != 0) {
                throw new LocalPipelineException("the initial load (training-job materialize) failed (exit " + exit
                        + "); its log ends:\n" + materialize.logTail(20));
            }
            String summary = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("materialized ")).findFirst().orElse("materialize finished");
            console.println("initial load: " + summary);
            return summary;
        }
    }

    private static void awaitPong(ChildProcess server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new LocalPipelineException("redis-server stopped at start; its log ends:\n" + server.logTail(20));
            }
            if (cli(port, "PING").contains("PONG")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new LocalPipelineException("redis-server did not answer within " + START_TIMEOUT_SECONDS + " s");
    }

    static String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return answer;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean onPath(String program) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, program))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Says which of the manifest's Redis settings the local run does not use. */
    private static void note(Recommender r, PrintStream console) {
        FeaturesSpec.RedisSpec redis = r.getSpec().features().redis();
        if (redis != null && (redis.url() != null || redis.service() != null)) {
            console.println("feature store: the manifest's Redis (" + (redis.url() != null ? redis.url()
                    : "service " + redis.service()) + ") is a cluster's; a local redis-server stands in for it"
                    + (redis.passwordSecretRef() != null ? ", without a password" : ""));
        }
    }
}
