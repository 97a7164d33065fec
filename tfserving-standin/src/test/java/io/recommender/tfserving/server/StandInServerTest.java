package io.recommender.tfserving.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandInServerTest {
    static final SavedModelFixtures.Tower TOWER = SavedModelFixtures.randomTower(11, 3, 6, 2);
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static ServedModel model;
    static StandInServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Answer(int status, JsonNode body) {}

    @BeforeAll
    static void start() throws IOException {
        Path base = tmp.resolve("movies");
        SavedModelFixtures.export(SavedModelFixtures.randomTower(1, 3, 6, 2), base.resolve("2"));
        SavedModelFixtures.export(TOWER, base.resolve("10"));
        Files.createDirectories(base.resolve("11"));
        Files.createDirectories(base.resolve("tmp-export"));
        model = ServedModel.loadLatest("movies", base, BundleLayout.SIGNATURE, 1);
        server = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), model, 4, Faults.NONE);
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @AfterEach
    void clearFaults() {
        server.setFaults(Faults.NONE);
        server.failNext(0);
    }

    static Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(server.localUri().resolve(path)).GET().build());
    }

    static Answer post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(server.localUri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build());
    }

    static Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void servesTheHighestVersionThatHoldsASavedModel() throws Exception {
        assertThat(model.version()).isEqualTo(10);
        Answer a = get("/v1/models/movies");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(JSON.readTree("""
                {"model_version_status": [{"version": "10", "state": "AVAILABLE",
                  "status": {"error_code": "OK", "error_message": ""}}]}"""));
        assertThat(get("/v1/models/movies/versions/10").status()).isEqualTo(200);
    }

    @Test
    void unknownModelVersionOrLabelIs404WithAnErrorBody() throws Exception {
        assertThat(get("/v1/models/other")).isEqualTo(new Answer(404,
                JSON.readTree("{\"error\": \"Could not find any versions of model other\"}")));
        assertThat(get("/v1/models/movies/versions/2").body().get("error").asText())
                .isEqualTo("Could not find version 2 of model movies");
        assertThat(post("/v1/models/other:predict", "{\"instances\": [[1,2,3]]}")).isEqualTo(new Answer(404,
                JSON.readTree("{\"error\": \"Servable not found for request: Latest(other)\"}")));
        assertThat(post("/v1/models/movies/versions/3:predict", "{\"instances\": [[1,2,3]]}").body().get("error")
                .asText()).isEqualTo("Servable not found for request: Specific(movies, 3)");
        assertThat(get("/v1/models/movies/labels/stable").status()).isEqualTo(404);
        assertThat(get("/v2/whatever").status()).isEqualTo(404);
    }

    @Test
    void predictsInRowAndColumnarFormat() throws Exception {
        float[][] x = {{1, 2, 3}, {-1, 0.5f, 0}};
        Answer rows = post("/v1/models/movies:predict", "{\"instances\": [[1, 2, 3], [-1, 0.5, 0]]}");
        assertThat(rows.status()).isEqualTo(200);
        assertMatchesTower(x, rows.body().get("predictions"));

        Answer named = post("/v1/models/movies/versions/10:predict",
                "{\"signature_name\": \"serving_default\", \"instances\": [{\"features\": [1, 2, 3]}, {\"features\": [-1, 0.5, 0]}]}");
        assertThat(named.body().get("predictions")).isEqualTo(rows.body().get("predictions"));

        Answer columnar = post("/v1/models/movies:predict", "{\"inputs\": {\"features\": [[1, 2, 3], [-1, 0.5, 0]]}}");
        assertThat(columnar.body().get("outputs")).isEqualTo(rows.body().get("predictions"));
        Answer bare = post("/v1/models/movies:predict", "{\"inputs\": [[1, 2, 3], [-1, 0.5, 0]]}");
        assertThat(bare.body().get("outputs")).isEqualTo(rows.body().get("predictions"));
    }

    @Test
    void describesTheSignatureInMetadata() throws Exception {
        JsonNode sig = get("/v1/models/movies/metadata").body().at("/metadata/signature_def/signature_def/serving_default");
        assertThat(sig.at("/inputs/features/dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(sig.at("/inputs/features/tensor_shape/dim/1/size").asText()).isEqualTo("3");
        assertThat(sig.at("/outputs/embedding/tensor_shape/dim/1/size").asText()).isEqualTo("2");
        assertThat(sig.at("/method_name").asText()).isEqualTo("tensorflow/serving/predict");
    }

    @Test
    void badRequestsAre400WithAReason() throws Exception {
        assertError(post("/v1/models/movies:predict", "{not json"), 400, "JSON Parse error");
        assertError(post("/v1/models/movies:predict", "[1]"), 400, "must be a JSON object");
        assertError(post("/v1/models/movies:predict", "{}"), 400, "Missing 'inputs' or 'instances' key");
        assertError(post("/v1/models/movies:predict", "{\"instances\": [[1,2,3]], \"inputs\": [[1,2,3]]}"), 400, "not both");
        assertError(post("/v1/models/movies:predict", "{\"instances\": [[1,2]]}"), 400, "rows of 3 values");
        assertError(post("/v1/models/movies:predict", "{\"instances\": [[1,\"a\",3]]}"), 400, "instances[0][1] is string");
        assertError(post("/v1/models/movies:predict", "{\"instances\": [{\"x\": [1,2,3]}]}"), 400, "unknown input 'x'");
        assertError(post("/v1/models/movies:predict", "{\"instances\": []}"), 400, "non-empty");
        assertError(post("/v1/models/movies:predict", "{\"signature_name\": \"other\", \"instances\": [[1,2,3]]}"), 400,
                "Serving signature name: \"other\" not found");
        assertError(post("/v1/models/movies:classify", "{\"instances\": [[1,2,3]]}"), 400, "tensorflow/serving/classify");
        assertError(get("/v1/models/movies:predict"), 405, "use POST");
    }

    @Test
    void injectedDelayAndFailures() throws Exception {
        String body = "{\"instances\": [[1, 2, 3]]}";
        server.failNext(2);
        assertError(post("/v1/models/movies:predict", body), 503, "injected failure");
        assertError(post("/v1/models/movies:predict", body), 503, "injected failure");
        assertThat(post("/v1/models/movies:predict", body).status()).isEqualTo(200);

        server.setFaults(new Faults(0, 1.0, 500));
        assertError(post("/v1/models/movies:predict", body), 500, "injected failure");
        assertThat(get("/v1/models/movies").status()).as("status stays truthful").isEqualTo(200);

        server.setFaults(new Faults(300, 0, 503));
        long start = System.nanoTime();
        assertThat(post("/v1/models/movies:predict", body).status()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void commandLineRejectsUnknownFlags() {
        assertThat(StandInMain.parse(new String[] {"--rest_api_port=9000", "--model_name=m"}))
                .containsEntry("rest_api_port", "9000").containsEntry("model_name", "m");
        assertThatThrownBy(() -> StandInMain.parse(new String[] {"--port=1"}))
                .hasMessageContaining("--port=1");
    }

    private static void assertMatchesTower(float[][] x, JsonNode predictions) {
        assertThat(predictions.size()).isEqualTo(x.length);
        for (int r = 0; r < x.length; r++) {
            double[] expected = TOWER.apply(x[r]);
            for (int k = 0; k < expected.length; k++) {
                assertThat(predictions.get(r).get(k).asDouble()).isCloseTo(expected[k], within(1e-5));
            }
        }
    }

    private static void assertError(Answer a, int status, String message) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
        assertThat(a.body().get("error").asText()).contains(message);
        assertThat(a.body().size()).isEqualTo(1);
    }
}
