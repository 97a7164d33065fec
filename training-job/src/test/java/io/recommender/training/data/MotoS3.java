package io.recommender.training.data;

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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * moto in server mode (the AWS API emulator; S3 cannot run here otherwise) from the project's Python
 * environment (scripts/setup.sh installs moto[server]), on a free loopback port; {@link #close()} stops it.
 * Its log goes to target/moto-PORT.log.
 */
public final class MotoS3 implements AutoCloseable {
    public static final String REGION = "eu-west-1";
    public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET_KEY = "not-checked-by-moto";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final URI endpoint;

    private MotoS3(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

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

    public static MotoS3 start() throws IOException, InterruptedException {
        Path python = python();
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("no Python environment at " + python + ": run scripts/setup.sh (it installs "
                    + "moto[server]) or set RECOMMENDER_PYTHON");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Path.of("target", "moto-" + port + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(python.toString(), "-m", "moto.server", "-H", "127.0.0.1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoS3 moto = new MotoS3(p, URI.create("http://127.0.0.1:" + port));
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

    /** A client for moto, as a test injects it (the training pod's own takes its endpoint from the SDK's env vars). */
    public S3Client client() {
        return S3Client.builder().region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(endpoint).build();
    }

    /** From now on moto checks signatures and IAM policies ({@code false}: never, its default). */
    public void enforceAuth(boolean enforce) throws IOException, InterruptedException {
        int status = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth"))
                .POST(HttpRequest.BodyPublishers.ofString(enforce ? "0" : "inf")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("moto reset-auth answered " + status);
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
