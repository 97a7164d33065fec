package io.recommender.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recommender service on this machine: the runtime image's program on a free loopback port, the bundle's
 * SavedModel run in-process (the embedded source), ready once its readiness probe says so.
 */
final class ServingStep {
    static final long READY_TIMEOUT_SECONDS = 120;
    private static final Duration POLL = Duration.ofMillis(250);

    private ServingStep() {}

    /** A started, ready service; closing it stops the process. */
    record RunningService(ChildProcess process, URI baseUrl) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    /** @param features the feature store's settings (empty: the bundle's features) */
    static RunningService start(ProjectLayout layout, Path bundle, Path log, Map<String, String> features,
            PrintStream console) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = List.of(ProjectLayout.java(), "--add-modules=jdk.incubator.vector",
                "-XX:+UseParallelGC", "-Xmx1g", "-jar", layout.runtimeJar().toString());
        Map<String, String> env = new HashMap<>(features);
        env.putAll(Map.of(
                "RECOMMENDER_BUNDLE_PATH", bundle.toString(),
                "RECOMMENDER_EMBEDDING_SOURCE", "embedded",
                "MICRONAUT_SERVER_HOST", "127.0.0.1",
                "MICRONAUT_SERVER_PORT", Integer.toString(port)));
        ChildProcess service = ChildProcess.start("recommender", command, env, log);
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            awaitReady(service, base);
        } catch (RuntimeException | InterruptedException e) {
            service.close();
            throw e;
        }
        console.println("serving: " + base + " (log " + log + ")");
        return new RunningService(service, base);
    }

    private static void awaitReady(ChildProcess service, URI base) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(base.resolve("/health/readiness")).timeout(Duration.ofSeconds(5))
                .GET().build();
        long deadline = System.nanoTime() + Duration.ofSeconds(READY_TIMEOUT_SECONDS).toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new LocalPipelineException("the recommender stopped before it was ready; its log ends:\n"
                        + service.logTail(30));
            }
            try {
                HttpResponse<String> answer = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (ConnectException e) {
                last = "not listening yet";
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new LocalPipelineException("the recommender was not ready within " + READY_TIMEOUT_SECONDS
                + " s (last readiness answer: " + last + "); its log ends:\n" + service.logTail(30));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
