package io.recommender.training.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a free loopback port (the JDK's), serving what a test puts at a path: files, status
 * sequences (500 then 200), a body that stalls. Records every request path.
 */
public final class DatasetHttpServer implements AutoCloseable {
    /** What one request to a path gets. */
    @FunctionalInterface
    public interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public DatasetHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers requests to {@code path} with the given answers in turn, the last one repeated. */
    public void put(String path, Answer... sequence) {
        answers.put(path, List.of(sequence));
        counts.put(path, new AtomicInteger());
    }

    public List<String> requests() {
        return requests;
    }

    public static Answer ok(byte[] body) {
        return e -> {
            e.sendResponseHeaders(200, body.length);
            try (OutputStream out = e.getResponseBody()) {
                out.write(body);
            }
        };
    }

    /** Without a Content-Length: chunked, so only counting the bytes can tell the size. */
    public static Answer chunked(byte[] body) {
        return e -> {
            e.sendResponseHeaders(200, 0);
            try (OutputStream out = e.getResponseBody()) {
                out.write(body);
            }
        };
    }

    public static Answer status(int code) {
        return e -> {
            byte[] body = ("status " + code).getBytes();
            e.sendResponseHeaders(code, body.length);
            try (OutputStream out = e.getResponseBody()) {
                out.write(body);
            }
        };
    }

    /** Sends the headers and the first bytes of a longer body, then nothing until the server closes. */
    public Answer stall(byte[] body) {
        return e -> {
            e.sendResponseHeaders(200, body.length);
            OutputStream out = e.getResponseBody();
            out.write(body, 0, body.length / 4);
            out.flush();
            try {
                closing.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            e.close();
        };
    }

    private void handle(HttpExchange e) throws IOException {
        String path = e.getRequestURI().getRawPath();
        requests.add(path);
        List<Answer> sequence = answers.get(path);
        if (sequence == null) {
            status(404).answer(e);
            return;
        }
        int n = counts.get(path).getAndIncrement();
        sequence.get(Math.min(n, sequence.size() - 1)).answer(e);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
