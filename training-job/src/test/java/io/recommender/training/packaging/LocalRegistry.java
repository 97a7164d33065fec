package io.recommender.training.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code docker-registry} (distribution 2.8) on a free loopback port, with its storage in a temporary
 * directory, optionally behind {@code htpasswd} basic auth, and its access log kept for counting what clients
 * uploaded. {@link #close()} stops the process and deletes the storage.
 */
public final class LocalRegistry implements AutoCloseable {
    /** Access-log request line: method and URI. */
    private static final Pattern REQUEST = Pattern.compile("\"([A-Z]+) (/v2/\\S*) HTTP/[0-9.]+\" (\\d{3})");

    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;

    private LocalRegistry(Process process, Path dir, Path log, int port) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
    }

    public static LocalRegistry start() throws IOException, InterruptedException {
        return start(null, null);
    }

    /** With {@code user} and {@code password}, every request needs them (basic auth from an htpasswd file). */
    public static LocalRegistry start(String user, String password) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("registry-");
        int port = freePort();
        StringBuilder cfg = new StringBuilder("""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: local-test-registry
                """.formatted(dir.resolve("data"), port));
        if (user != null) {
            Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
            byte[] entry = htpasswd.getInputStream().readAllBytes();
            if (htpasswd.waitFor() != 0) {
                throw new IOException("htpasswd failed: " + new String(entry, StandardCharsets.UTF_8));
            }
            Files.write(dir.resolve("htpasswd"), entry);
            cfg.append("""
                    auth:
                      htpasswd:
                        realm: local-test-registry
                        path: %s
                    """.formatted(dir.resolve("htpasswd")));
        }
        Path config = Files.writeString(dir.resolve("config.yml"), cfg);
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, dir, log, port);
        try {
            registry.awaitReady();
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer /v2/ within 30 s: " + Files.readString(log));
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** One request of the access log. */
    public record Request(String method, String path, String query, int status) {}

    /** Every request the registry logged so far, in order. */
    public List<Request> requests() throws IOException {
        List<Request> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = REQUEST.matcher(line);
            if (m.find()) {
                String uri = m.group(2);
                int q = uri.indexOf('?');
                out.add(new Request(m.group(1), q < 0 ? uri : uri.substring(0, q),
                        q < 0 ? "" : URLDecoder.decode(uri.substring(q + 1), StandardCharsets.UTF_8),
                        Integer.parseInt(m.group(3))));
            }
        }
        return out;
    }

    /**
     * Digests of the blobs whose upload into {@code repository} completed in {@code requests} (the final
     * {@code PUT ...?digest=}); cross-repository mounts are not uploads and are not counted.
     */
    public static List<String> uploadedBlobs(List<Request> requests, String repository) {
        String prefix = "/v2/" + repository + "/blobs/uploads/";
        Pattern digest = Pattern.compile("(?:^|&)digest=(sha256:[0-9a-f]{64})");
        List<String> out = new ArrayList<>();
        for (Request r : requests) {
            if (r.method().equals("PUT") && r.path().startsWith(prefix) && r.status() == 201) {
                Matcher m = digest.matcher(r.query());
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
