package io.recommender.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * moto in server mode, the AWS API emulator (AWS cannot be reached here otherwise), from the project's Python
 * environment (scripts/setup.sh installs moto[server]): started on a free loopback port, stopped by
 * {@link #close()}. Its log goes to target/moto-PORT.log.
 */
public final class MotoServer implements AutoCloseable {
    /** The account moto puts every resource in. */
    public static final String ACCOUNT = "123456789012";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** $RECOMMENDER_PYTHON, else the Python environment scripts/setup.sh makes in the project's cache. */
    static Path python() {
        String configured = System.getenv("RECOMMENDER_PYTHON");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String cache = System.getenv("RECOMMENDER_CACHE");
        Path base = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache",
                "recommender-operator") : Path.of(cache);
        return base.resolve("python/bin/python");
    }

    public static MotoServer start() throws IOException, InterruptedException {
        Path python = python();
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("no Python environment at " + python + ": run scripts/setup.sh (it installs "
                    + "moto[server]) or set RECOMMENDER_PYTHON");
        }
        int port = freePort();
        Path log = Path.of("target", "moto-" + port + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(python.toString(), "-m", "moto.server", "-H", "127.0.0.1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoServer moto = new MotoServer(p, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("moto exited with " + p.exitValue() + "; see " + log.toAbsolutePath());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(moto.endpoint.resolve("/moto-api/data.json")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return moto;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) {
                moto.close();
                throw new IllegalStateException("moto did not answer within 60 s; see " + log.toAbsolutePath());
            }
            Thread.sleep(200);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * From the next request on, moto checks signatures and IAM policies after {@code freeRequests} more
     * requests (0: at once; {@code Double.POSITIVE_INFINITY}: never, moto's default).
     */
    public void enforceIamAfter(double freeRequests) throws IOException, InterruptedException {
        String body = Double.isInfinite(freeRequests) ? "inf" : Long.toString((long) freeRequests);
        int status = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != 200) {
            throw new IllegalStateException("moto reset-auth answered " + status);
        }
    }

    /** Forgets every resource (repositories, IAM users), so tests do not see each other's. */
    public void reset() throws IOException, InterruptedException {
        HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
    }

    /** A loopback port free at the time of the call. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
