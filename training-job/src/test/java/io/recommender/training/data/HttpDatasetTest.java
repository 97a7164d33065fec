package io.recommender.training.data;

import static io.recommender.training.data.DatasetHttpServer.ok;
import static io.recommender.training.data.DatasetHttpServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.bundle.Checksums;
import io.recommender.training.TrainedBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http(s):// datasets against a real HTTP server on loopback: a MovieLens zip made from the project's
 * ml-latest-small, the two CSVs under a base URL, and the failures (404, 403, 500 then success, 500 for good,
 * a refused connection, a stalled body, zip-slip, a zip without ratings.csv, limits).
 */
class HttpDatasetTest {
    @TempDir
    Path tmp;

    DatasetHttpServer server;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = new DatasetHttpServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Short backoff and timeouts: the behaviour under test, not the production waits. */
    private DatasetSource source(DatasetLimits limits) {
        HttpDownloader http = new HttpDownloader(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                3, Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofMillis(500));
        return new DatasetSource(Map.of(), http, () -> {
            throw new AssertionError("no S3 here");
        }, limits, new PrintStream(log, true));
    }

    private ResolvedDataset resolve(String url) throws IOException {
        return source(DatasetLimits.DEFAULT).resolve(url, tmp.resolve("downloads"));
    }

    @Test
    void aMovieLensZipIsDownloadedUnpackedAndDeletedOnClose() throws IOException {
        server.put("/files/ml-latest-small.zip", ok(MovieLensZips.mlLatestSmall()));

        Path dir;
        try (ResolvedDataset d = resolve(server.uri("/files/ml-latest-small.zip").toString())) {
            dir = d.directory();
            assertThat(d.downloaded()).isTrue();
            assertThat(names(dir)).containsExactly("movies.csv", "ratings.csv");
            assertThat(dir.resolve("ratings.csv")).hasSameBinaryContentAs(TrainedBundle.DATA.resolve("ratings.csv"));
            assertThat(dir.resolve("movies.csv")).hasSameBinaryContentAs(TrainedBundle.DATA.resolve("movies.csv"));
            assertThat(fingerprint(dir)).isEqualTo(fingerprint(TrainedBundle.DATA));
            // The zip itself is gone once unpacked.
            assertThat(names(dir.getParent())).containsExactly("data");
        }
        assertThat(dir).doesNotExist();
        assertThat(names(tmp.resolve("downloads"))).isEmpty();
        assertThat(log.toString()).contains("data: downloading " + server.uri("/files/ml-latest-small.zip"));
    }

    @Test
    void aBaseUrlServesTheTwoCsvs() throws IOException {
        server.put("/ml/movies.csv", ok(MovieLensZips.csv("movies.csv")));
        server.put("/ml/ratings.csv", ok(MovieLensZips.csv("ratings.csv")));

        for (String base : List.of("/ml", "/ml/")) {
            try (ResolvedDataset d = resolve(server.uri(base).toString())) {
                assertThat(fingerprint(d.directory())).isEqualTo(fingerprint(TrainedBundle.DATA));
            }
        }
        assertThat(server.requests()).containsExactly("/ml/movies.csv", "/ml/ratings.csv", "/ml/movies.csv",
                "/ml/ratings.csv");
    }

    @Test
    void notFoundNamesTheUrlAndLeavesNothing() {
        String url = server.uri("/nope/ml-latest-small.zip").toString();
        assertThatThrownBy(() -> resolve(url)).isInstanceOf(DatasetException.class)
                .hasMessage(url + ": not found (HTTP 404)");
        assertThat(server.requests()).hasSize(1);
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void forbiddenIsNotRetriedAndTheQueryIsNotShown() {
        server.put("/private/ml.zip", status(403));
        String url = server.uri("/private/ml.zip").toString();
        assertThatThrownBy(() -> resolve(url + "?X-Amz-Signature=secret123"))
                .hasMessage(url + "?...: access denied (HTTP 403)")
                .hasMessageNotContaining("secret123");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aServerErrorIsRetried() throws IOException {
        server.put("/ml.zip", status(500), ok(MovieLensZips.mlLatestSmall()));
        try (ResolvedDataset d = resolve(server.uri("/ml.zip").toString())) {
            assertThat(fingerprint(d.directory())).isEqualTo(fingerprint(TrainedBundle.DATA));
        }
        assertThat(server.requests()).containsExactly("/ml.zip", "/ml.zip");
    }

    @Test
    void aServerErrorThatLastsFailsAfterTheLastTry() {
        server.put("/ml.zip", status(503));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessage(server.uri("/ml.zip") + ": HTTP 503 (3 tries)");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/ml.zip";
        assertThatThrownBy(() -> resolve(url)).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(url + ": cannot connect").hasMessageEndingWith("(3 tries)");
    }

    @Test
    void aStalledBodyTimesOutAndIsRetried() throws IOException {
        byte[] zip = MovieLensZips.mlLatestSmall();
        server.put("/ml.zip", server.stall(zip), ok(zip));
        try (ResolvedDataset d = resolve(server.uri("/ml.zip").toString())) {
            assertThat(fingerprint(d.directory())).isEqualTo(fingerprint(TrainedBundle.DATA));
        }
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void aStallThatLastsFailsWithTheReason() {
        server.put("/ml.zip", server.stall(MovieLensZips.mlLatestSmall()));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessageStartingWith(server.uri("/ml.zip") + ": no data for 500 ms after ")
                .hasMessageEndingWith("(3 tries)");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutShowingThem() {
        String url = "http://alice:s3cret@127.0.0.1:" + server.uri("/").getPort() + "/ml.zip";
        assertThatThrownBy(() -> resolve(url)).hasMessageContaining("carries user credentials")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("alice");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aZipSlipEntryRefusesTheWholeArchive() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ml/movies.csv", MovieLensZips.csv("movies.csv"));
        entries.put("ml/ratings.csv", MovieLensZips.csv("ratings.csv"));
        entries.put("ml/../../../../tmp/evil.sh", "echo owned".getBytes());
        server.put("/ml.zip", ok(MovieLensZips.zip(entries)));

        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessage(server.uri("/ml.zip") + ": refused, the zip's entry 'ml/../../../../tmp/evil.sh' points "
                        + "outside the archive's folder");
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void anAbsoluteEntryIsRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("/etc/ratings.csv", MovieLensZips.csv("ratings.csv"));
        server.put("/ml.zip", ok(MovieLensZips.zip(entries)));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString())).hasMessageContaining("'/etc/ratings.csv'");
    }

    @Test
    void aZipWithoutRatingsIsRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ml/movies.csv", MovieLensZips.csv("movies.csv"));
        entries.put("ml/tags.csv", MovieLensZips.csv("tags.csv"));
        server.put("/ml.zip", ok(MovieLensZips.zip(entries)));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessage(server.uri("/ml.zip") + ": the zip has no ratings.csv");
    }

    @Test
    void aZipWithRatingsButNoMoviesIsRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ml/ratings.csv", MovieLensZips.csv("ratings.csv"));
        entries.put("other/movies.csv", MovieLensZips.csv("movies.csv"));
        server.put("/ml.zip", ok(MovieLensZips.zip(entries)));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessage(server.uri("/ml.zip") + ": the zip has ml/ratings.csv but no ml/movies.csv");
    }

    @Test
    void twoDatasetFoldersAreAmbiguous() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String folder : List.of("a/", "b/")) {
            entries.put(folder + "movies.csv", MovieLensZips.csv("movies.csv"));
            entries.put(folder + "ratings.csv", MovieLensZips.csv("ratings.csv"));
        }
        server.put("/ml.zip", ok(MovieLensZips.zip(entries)));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessageContaining("more than one dataset folder (a/ratings.csv, b/ratings.csv)");
    }

    @Test
    void aFileThatIsNotAZipIsReported() {
        server.put("/ml.zip", ok("<html>sign in</html>".getBytes()));
        assertThatThrownBy(() -> resolve(server.uri("/ml.zip").toString()))
                .hasMessageStartingWith(server.uri("/ml.zip") + ": not a readable zip");
    }

    @Test
    void unpackingBeyondTheLimitStops() {
        server.put("/ml.zip", ok(MovieLensZips.mlLatestSmall()));
        // A highly compressible ratings.csv: 2.4 MB unpacked, far less in the zip.
        DatasetLimits limits = new DatasetLimits(1L << 30, 100, 1_000_000);
        assertThatThrownBy(() -> source(limits).resolve(server.uri("/ml.zip").toString(), tmp.resolve("downloads")))
                .hasMessage(server.uri("/ml.zip") + ": unpacking ml-latest-small/ratings.csv exceeds the limit of "
                        + "1000000 bytes");
        assertThat(tmp.resolve("downloads")).isEmptyDirectory();
    }

    @Test
    void tooManyEntriesAreRefused() {
        server.put("/ml.zip", ok(MovieLensZips.mlLatestSmall()));
        DatasetLimits limits = new DatasetLimits(1L << 30, 3, 1L << 30);
        assertThatThrownBy(() -> source(limits).resolve(server.uri("/ml.zip").toString(), tmp.resolve("downloads")))
                .hasMessage(server.uri("/ml.zip") + ": the zip has 6 entries, more than the limit of 3");
    }

    @Test
    void aDownloadBeyondTheLimitIsRefusedFromItsLength() {
        server.put("/ml/movies.csv", ok(MovieLensZips.csv("movies.csv")));
        DatasetLimits limits = new DatasetLimits(1000, 100, 1L << 30);
        assertThatThrownBy(() -> source(limits).resolve(server.uri("/ml/").toString(), tmp.resolve("downloads")))
                .hasMessage(server.uri("/ml/movies.csv") + ": " + MovieLensZips.csv("movies.csv").length
                        + " bytes, more than the limit of 1000");
    }

    @Test
    void aChunkedDownloadBeyondTheLimitIsCutOff() {
        server.put("/ml/movies.csv", DatasetHttpServer.chunked(MovieLensZips.csv("movies.csv")));
        DatasetLimits limits = new DatasetLimits(1000, 100, 1L << 30);
        assertThatThrownBy(() -> source(limits).resolve(server.uri("/ml/").toString(), tmp.resolve("downloads")))
                .hasMessage(server.uri("/ml/movies.csv") + ": more than the limit of 1000 bytes");
        assertThat(server.requests()).hasSize(1);
    }

    private static String fingerprint(Path dir) throws IOException {
        return Checksums.fingerprint(List.of(dir.resolve("movies.csv"), dir.resolve("ratings.csv")));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
