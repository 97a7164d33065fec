package io.recommender.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fingerprints of datasets, read from a real HTTP server without downloading them. */
class DatasetFingerprintsTest {
    private HttpServer server;
    private final List<String> ranges = new ArrayList<>();
    private final DatasetFingerprints fingerprints = new DatasetFingerprints();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve("/etag.zip", 206, Map.of("ETag", "\"v1\"", "Content-Range", "bytes 0-0/5000"));
        serve("/dated.zip", 206, Map.of("Last-Modified", "Mon, 07 Dec 2026 03:00:00 GMT", "Content-Range", "bytes 0-0/5000"));
        serve("/whole.zip", 200, Map.of("Last-Modified", "Mon, 07 Dec 2026 03:00:00 GMT"));
        serve("/bare.zip", 206, Map.of("Content-Range", "bytes 0-0/*"));
        serve("/secret.zip", 403, Map.of());
        server.start();
    }

    private void serve(String path, int status, Map<String, String> headers) {
        server.createContext(path, exchange -> {
            ranges.add(exchange.getRequestHeaders().getFirst("Range"));
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = status == 200 ? "x".repeat(5000).getBytes(StandardCharsets.UTF_8) : new byte[] {'x'};
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void anEtagIsTheFingerprintAndOneByteIsAskedFor() {
        assertThat(fingerprints.read(url("/etag.zip"))).isEqualTo(DatasetFingerprint.of("etag \"v1\""));
        assertThat(ranges).containsExactly("bytes=0-0");
    }

    @Test
    void withoutAnEtagLastModifiedAndTheWholeLength() {
        assertThat(fingerprints.read(url("/dated.zip")).value())
                .isEqualTo("modified Mon, 07 Dec 2026 03:00:00 GMT, length 5000");
        // A server that ignores the range: its Content-Length is the whole length.
        assertThat(fingerprints.read(url("/whole.zip")).value())
                .isEqualTo("modified Mon, 07 Dec 2026 03:00:00 GMT, length 5000");
    }

    @Test
    void nothingToTellVersionsApartIsUnreadable() {
        DatasetFingerprint f = fingerprints.read(url("/bare.zip"));
        assertThat(f.value()).isNull();
        assertThat(f.problem()).endsWith("/bare.zip sends no ETag, Last-Modified or length");
    }

    @Test
    void aRefusalIsNamedWithoutTheQueryThatMayHoldASignature() {
        DatasetFingerprint f = fingerprints.read(url("/secret.zip") + "?X-Amz-Signature=abc123&X-Amz-Credential=AKIA");
        assertThat(f.problem()).isEqualTo(url("/secret.zip") + "?... answered HTTP 403");
        assertThat(f.problem()).doesNotContain("abc123", "AKIA");
        // Nothing listens there.
        int port = server.getAddress().getPort();
        server.stop(0);
        assertThat(fingerprints.read("http://127.0.0.1:" + port + "/x.zip?sig=zzz").problem())
                .startsWith("http://127.0.0.1:" + port + "/x.zip?... could not be reached").doesNotContain("zzz");
    }

    @Test
    void bundledS3AndVolumePaths() {
        assertThat(fingerprints.read("bundled:ml-latest-small")).isEqualTo(DatasetFingerprint.of("bundled:ml-latest-small"));
        assertThat(fingerprints.read("s3://bucket/ml.zip").problem()).isEqualTo("the operator does not read s3:// datasets");
        assertThat(fingerprints.read("/data/ml").problem())
                .isEqualTo("a path on the training pod's volume is not visible to the operator");
    }
}
