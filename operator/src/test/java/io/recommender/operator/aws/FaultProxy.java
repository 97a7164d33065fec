package io.recommender.operator.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP proxy in front of moto that records each AWS call (its operation and when it came) and can answer an
 * operation with an AWS error a given number of times before letting it through, as ECR and EKS do when they
 * throttle. moto cannot throttle; this shows what the SDK makes of it. Operations are named from X-Amz-Target (the
 * JSON protocol, e.g. ECR) or, for REST APIs such as EKS, by the {@code operations} function of method and path.
 */
public final class FaultProxy implements AutoCloseable {
    /** Headers java.net.http sets itself. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding");

    public record Call(String operation, long nanos) {}

    private record Fault(AtomicInteger left, int status, String type, String message) {}

    private final HttpServer server;
    private final URI target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();

    private final java.util.function.BiFunction<String, String, String> operations;

    public FaultProxy(URI target) throws IOException {
        this(target, (method, path) -> path);
    }

    /** @param operations a REST API's operation name from the request's method and path */
    public FaultProxy(URI target, java.util.function.BiFunction<String, String, String> operations) throws IOException {
        this.target = target;
        this.operations = operations;
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code times} calls of {@code operation} (e.g. "GetAuthorizationToken") get this error. */
    public void fail(String operation, int times, int status, String type, String message) {
        faults.put(operation, new Fault(new AtomicInteger(times), status, type, message));
    }

    public void throttle(String operation, int times) {
        fail(operation, times, 400, "ThrottlingException", "Rate exceeded");
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<String> operations() {
        return calls.stream().map(Call::operation).toList();
    }

    public void clear() {
        calls.clear();
        faults.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String amzTarget = ex.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget == null ? operations.apply(ex.getRequestMethod(), ex.getRequestURI().getPath())
                    : amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
            calls.add(new Call(operation, System.nanoTime()));
            byte[] body = ex.getRequestBody().readAllBytes();
            Fault fault = faults.get(operation);
            if (fault != null && fault.left().getAndDecrement() > 0) {
                byte[] error = ("{\"__type\":\"" + fault.type() + "\",\"message\":\"" + fault.message() + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                ex.getResponseHeaders().add("x-amzn-ErrorType", fault.type());
                ex.sendResponseHeaders(fault.status(), error.length);
                ex.getResponseBody().write(error);
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    values.forEach(v -> ex.getResponseHeaders().add(name, v));
                }
            });
            byte[] answer = response.body();
            ex.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
