package io.recommender.e2e.suite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The bundled MovieLens sample served over HTTP as GroupLens serves it (a zip with a top folder), from this machine
 * to the cluster's pods, with an ETag the test can change: a training schedule's "new data" without new bytes.
 * A one-byte ranged GET (the operator's fingerprint read) gets 206 and Content-Range; anything else the whole zip.
 */
final class DatasetServer implements AutoCloseable {
    static final String PATH = "/ml-latest-small.zip";
    private final HttpServer server;
    private final byte[] zip;
    private final AtomicInteger generation = new AtomicInteger(1);
    private final AtomicInteger downloads = new AtomicInteger();

    DatasetServer(String address, Path dataset) throws IOException {
        this.zip = zip(dataset);
        this.server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext(PATH, this::answer);
        server.start();
    }

    String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + PATH;
    }

    /** New data, as far as an ETag can tell. */
    void publishNewVersion() {
        generation.incrementAndGet();
    }

    /** Whole-zip downloads so far (training runs, not fingerprint reads). */
    int downloads() {
        return downloads.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().add("ETag", "\"ml-latest-small-" + generation.get() + "\"");
            exchange.getResponseHeaders().add("Content-Type", "application/zip");
            String range = exchange.getRequestHeaders().getFirst("Range");
            if ("bytes=0-0".equals(range)) {
                exchange.getResponseHeaders().add("Content-Range", "bytes 0-0/" + zip.length);
                exchange.sendResponseHeaders(206, 1);
                exchange.getResponseBody().write(zip, 0, 1);
                return;
            }
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, zip.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(zip);
            }
        }
    }

    private static byte[] zip(Path dataset) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (String file : new String[] {"movies.csv", "ratings.csv"}) {
                out.putNextEntry(new ZipEntry("ml-latest-small/" + file));
                out.write(Files.readAllBytes(dataset.resolve(file)));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
