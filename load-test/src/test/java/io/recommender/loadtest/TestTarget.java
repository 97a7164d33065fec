package io.recommender.loadtest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in recommender on a loopback port: answers POST /predict and GET /v1/recommendations/{id} as the real
 * service does, misbehaving as each test asks, and timing on its side how long it held every request.
 */
public final class TestTarget implements AutoCloseable {

    /** How the target treats one request. */
    public interface Behaviour {
        /**
         * @param requestNumber 1 for the first request the target sees, counting all
         * @param userId        the user asked about
         */
        void handle(int requestNumber, long userId, HttpExchange exchange) throws IOException, InterruptedException;
    }

    private static final Pattern UID = Pattern.compile("\"uid\"\\s*:\\s*(-?\\d+)");
    private static final Pattern PATH_ID = Pattern.compile("/v1/recommendations/(-?\\d+)");
    private static final byte[] ANSWER = "{\"Recommended\": [318, 296, 356]}".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService handlers;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Long> serverNanos = new ArrayList<>();

    public TestTarget(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            long start = System.nanoTime();
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                behaviour.handle(requests.incrementAndGet(), userId(exchange, body), exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                exchange.close();
            }
            synchronized (serverNanos) {
                serverNanos.add(System.nanoTime() - start);
            }
        });
        server.start();
    }

    /** Answers every request after {@code delayMs(userId)} milliseconds. */
    public static Behaviour delayed(LongToIntFunction delayMs) {
        return (n, userId, exchange) -> {
            Thread.sleep(delayMs.applyAsInt(userId));
            ok(exchange);
        };
    }

    /** Answers every request with this status and a short error body. */
    public static Behaviour status(int code) {
        return (n, userId, exchange) -> {
            byte[] body = "{\"detail\": \"failure\"}".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    /** Answers the first {@code answered} requests, then holds every later one without answering. */
    public static Behaviour hangAfter(int answered) {
        return (n, userId, exchange) -> {
            if (n > answered) {
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            }
            ok(exchange);
        };
    }

    /**
     * Answers the first {@code answered} requests, then starts every later answer and sends one byte of it every
     * {@code everyMs} milliseconds, for ten minutes.
     */
    public static Behaviour trickleAfter(int answered, long everyMs) {
        return (n, userId, exchange) -> {
            if (n <= answered) {
                ok(exchange);
                return;
            }
            exchange.sendResponseHeaders(200, 100_000);
            OutputStream out = exchange.getResponseBody();
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (System.nanoTime() < until) {
                out.write(' ');
                out.flush();
                Thread.sleep(everyMs);
            }
        };
    }

    public static void ok(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, ANSWER.length);
        exchange.getResponseBody().write(ANSWER);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int requestsSeen() {
        return requests.get();
    }

    /** How long the target held each request it answered, in nanoseconds. */
    public List<Long> serverNanos() {
        synchronized (serverNanos) {
            return List.copyOf(serverNanos);
        }
    }

    /** A loopback URL where nothing listens. */
    public static URI nothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static long userId(HttpExchange exchange, byte[] body) {
        Matcher path = PATH_ID.matcher(exchange.getRequestURI().getPath());
        if (path.find()) {
            return Long.parseLong(path.group(1));
        }
        Matcher uid = UID.matcher(new String(body, StandardCharsets.US_ASCII));
        return uid.find() ? Long.parseLong(uid.group(1)) : -1;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
