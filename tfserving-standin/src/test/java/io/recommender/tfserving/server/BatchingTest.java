package io.recommender.tfserving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recommender.bundle.BundleLayout;
import io.recommender.savedmodel.SavedModelFixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With batching on, concurrent predicts share model runs and each still gets its own rows' outputs. */
class BatchingTest {
    static final SavedModelFixtures.Tower TOWER = SavedModelFixtures.randomTower(5, 3, 6, 2);
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static ServedModel model;
    static StandInServer server;

    @BeforeAll
    static void start() throws IOException {
        SavedModelFixtures.export(TOWER, tmp.resolve("movies/1"));
        model = ServedModel.loadLatest("movies", tmp.resolve("movies"), BundleLayout.SIGNATURE, 1);
        server = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), model, 16,
                Faults.NONE, 8);
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @Test
    void concurrentPredictsEachGetTheirOwnRows() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService callers = Executors.newFixedThreadPool(12);
        List<float[][]> sent = new ArrayList<>();
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            // One to three rows a request; a batch holds at most eight rows, so some requests wait for the next.
            float[][] rows = new float[1 + i % 3][3];
            for (float[] row : rows) {
                for (int c = 0; c < 3; c++) {
                    row[c] = (float) random.nextDouble(-2, 2);
                }
            }
            sent.add(rows);
            HttpRequest request = HttpRequest.newBuilder(server.localUri().resolve("/v1/models/movies:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            JSON.createObjectNode().set("instances", JSON.valueToTree(rows)))))
                    .header("Content-Type", "application/json").build();
            answers.add(callers.submit(() -> client.send(request, HttpResponse.BodyHandlers.ofString())));
        }
        long totalRows = 0;
        for (int i = 0; i < answers.size(); i++) {
            HttpResponse<String> r = answers.get(i).get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode predictions = JSON.readTree(r.body()).get("predictions");
            float[][] rows = sent.get(i);
            assertThat(predictions.size()).isEqualTo(rows.length);
            for (int row = 0; row < rows.length; row++) {
                double[] expected = TOWER.apply(rows[row]);
                for (int k = 0; k < expected.length; k++) {
                    assertThat(predictions.get(row).get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
                }
            }
            totalRows += rows.length;
        }
        callers.shutdown();
        long[] counts = server.batchCounts();
        assertThat(counts[1]).as("every row went through the batcher").isEqualTo(totalRows);
        assertThat(counts[0]).as("model runs").isBetween((totalRows + 7) / 8, totalRows);
    }

    @Test
    void aMalformedRequestFailsAloneWithItsOwnReason() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.localUri().resolve("/v1/models/movies:predict"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1, 2]]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("rows of 3 values");
    }
}
