package io.recommender.tfserving.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TensorFlow Serving's REST API for one {@link ServedModel} on the JDK's HTTP server. The caller keeps
 * ownership of the model.
 */
public final class StandInServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService executor;
    private final AtomicReference<Faults> faults;
    private final AtomicInteger failNext = new AtomicInteger();

    private StandInServer(HttpServer http, ExecutorService executor, AtomicReference<Faults> faults) {
        this.http = http;
        this.executor = executor;
        this.faults = faults;
    }

    /** Starts serving on {@code address} (port 0 picks a free port) with {@code threads} request threads. */
    public static StandInServer start(InetSocketAddress address, ServedModel model, int threads, Faults faults)
            throws IOException {
        HttpServer http = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "standin-rest");
            t.setDaemon(true);
            return t;
        });
        StandInServer server = new StandInServer(http, executor, new AtomicReference<>(faults));
        http.createContext("/", new RestApi(model, server.faults, server.failNext));
        http.setExecutor(executor);
        http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port}, what a client on this machine calls. */
    public URI localUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void setFaults(Faults faults) {
        this.faults.set(faults);
    }

    /** The next {@code n} predicts fail with the configured failure status, whatever the failure rate. */
    public void failNext(int n) {
        failNext.set(n);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
