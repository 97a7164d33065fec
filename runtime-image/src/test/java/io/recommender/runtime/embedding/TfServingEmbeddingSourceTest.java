package io.recommender.runtime.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.BundleLayout;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import io.recommender.tfserving.server.Faults;
import io.recommender.tfserving.server.ServedModel;
import io.recommender.tfserving.server.StandInServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorFlow Serving client against the stand-in (real HTTP, real SavedModel): same answers as the
 * embedded source, retries, timeouts, failures, a missing model or version, and a server that is down.
 */
class TfServingEmbeddingSourceTest {
    @TempDir
    static Path tmp;
    static ServedModel model;
    static StandInServer standIn;
    static EmbeddedServer viaTfServing;
    static EmbeddedServer embedded;

    @BeforeAll
    static void start() throws IOException {
        Path bundle = TestBundles.standard();
        model = ServedModel.loadLatest(TestBundles.MODEL, bundle.resolve(BundleLayout.SAVED_MODEL_ROOT).resolve(TestBundles.MODEL),
                BundleLayout.SIGNATURE, 1);
        standIn = startStandIn(model);
        // Without the result cache, so that every request of the failure tests reaches TensorFlow Serving.
        viaTfServing = service(standIn.localUri().toString(), Map.of("recommender.result-cache", false));
        embedded = service(null, Map.of());
    }

    @AfterAll
    static void stop() {
        viaTfServing.close();
        embedded.close();
        standIn.close();
        model.close();
    }

    @AfterEach
    void clearFaults() {
        standIn.setFaults(Faults.NONE);
        standIn.failNext(0);
    }

    static StandInServer startStandIn(ServedModel served) throws IOException {
        return StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), served, 8, Faults.NONE);
    }

    /** A service on the fixture bundle; {@code tfServingUrl == null} means embedded embeddings. */
    static EmbeddedServer service(String tfServingUrl, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put("micronaut.server.port", -1);
        props.put("recommender.bundle-path", TestBundles.standard().toString());
        props.put("recommender.embedding-source", tfServingUrl == null ? "embedded" : "tfserving");
        if (tfServingUrl != null) {
            props.put("micronaut.http.services.tfserving.url", tfServingUrl);
            props.putIfAbsent("micronaut.http.services.tfserving.read-timeout", "400ms");
        }
        return ApplicationContext.run(EmbeddedServer.class, props);
    }

    static Http http(EmbeddedServer server) {
        return new Http(URI.create(server.getURL().toString()));
    }

    @Test
    void bothSourcesGiveIdenticalRecommendations() {
        assertThat(http(viaTfServing).get("/health/readiness").status()).isEqualTo(200);
        for (int user = 1; user <= 2 * TestBundles.USERS; user++) {
            String path = "/v1/recommendations/" + user + "?k=100";
            Http.Answer remote = http(viaTfServing).get(path);
            Http.Answer local = http(embedded).get(path);
            assertThat(remote.status()).isEqualTo(200);
            assertThat(remote.body()).as("user %d", user).isEqualTo(local.body());
            String predict = "{\"uid\": " + user + "}";
            assertThat(http(viaTfServing).post("/predict", predict).body())
                    .isEqualTo(http(embedded).post("/predict", predict).body());
        }
    }

    @Test
    void cachedAnswersAreTheServersAndOutliveItsFailures() {
        try (EmbeddedServer cached = service(standIn.localUri().toString(), Map.of())) {
            for (int user : new int[] {1, 3, 4}) {
                String path = "/v1/recommendations/" + user + "?k=100";
                assertThat(http(cached).get(path).body()).as("user %d", user).isEqualTo(http(embedded).get(path).body());
            }
            standIn.setFaults(new Faults(0, 1.0, 500));
            // The bundle pins the model version, so a cached ranking is what the server would answer again.
            Http.Answer k7 = http(cached).get("/v1/recommendations/1?k=7");
            assertThat(k7.status()).isEqualTo(200);
            assertThat(k7.body()).isEqualTo(http(embedded).get("/v1/recommendations/1?k=7").body());
            assertThat(http(cached).post("/predict", "{\"uid\": 3}").body())
                    .isEqualTo(http(embedded).post("/predict", "{\"uid\": 3}").body());
            Http.Answer notCached = http(cached).get("/v1/recommendations/5");
            assertThat(notCached.status()).isEqualTo(503);
            assertThat(notCached.json().get("error").asText()).contains("answered 500");
        }
    }

    @Test
    void perRequestTowerRunsGiveTheSameAnswersAsPrecomputedEmbeddings() {
        try (EmbeddedServer perRequest = service(null, Map.of("recommender.precompute-embeddings", false))) {
            for (int user = 1; user <= 2 * TestBundles.USERS; user++) {
                String path = "/v1/recommendations/" + user + "?k=20";
                assertThat(http(perRequest).get(path).body()).as("user %d", user).isEqualTo(http(embedded).get(path).body());
            }
        }
    }

    @Test
    void transientFailuresAreRetriedABoundedNumberOfTimes() {
        standIn.failNext(2);
        Http.Answer retried = http(viaTfServing).post("/predict", "{\"uid\": 1}");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);

        standIn.failNext(3);
        Http.Answer exhausted = http(viaTfServing).post("/predict", "{\"uid\": 1}");
        assertThat(exhausted.status()).isEqualTo(503);
        assertThat(exhausted.json().get("error").asText())
                .contains("TensorFlow Serving at " + standIn.localUri(), "answered 503", "injected failure");
        assertThat(http(viaTfServing).post("/predict", "{\"uid\": 1}").status()).as("recovers").isEqualTo(200);
    }

    @Test
    void aFailingServerIsA503AndCountedAsAnEmbeddingError() {
        standIn.setFaults(new Faults(0, 1.0, 500));
        Http.Answer failing = http(viaTfServing).get("/v1/recommendations/3");
        assertThat(failing.status()).isEqualTo(503);
        assertThat(failing.json().get("error").asText()).contains("answered 500");
        assertThat(http(viaTfServing).get("/metrics").body())
                .containsPattern("recommender_embedding_latency_seconds_count\\{outcome=\"error\",source=\"tfserving\"\\} [1-9]");
    }

    @Test
    void aSlowServerTimesOutIntoA503() {
        standIn.setFaults(new Faults(1500, 0, 503));
        Http.Answer slow = http(viaTfServing).post("/predict", "{\"uid\": 5}");
        assertThat(slow.status()).isEqualTo(503);
        assertThat(slow.json().get("error").asText()).contains("did not answer in time", "model movies version 3");
        standIn.setFaults(Faults.NONE);
        assertThat(http(viaTfServing).post("/predict", "{\"uid\": 5}").status()).isEqualTo(200);
    }

    @Test
    void aServerWithoutTheModelIsNotReady() throws IOException {
        try (ServedModel other = ServedModel.loadLatest("other",
                        TestBundles.standard().resolve("saved_model/movies"), BundleLayout.SIGNATURE, 1);
                StandInServer wrongName = startStandIn(other);
                EmbeddedServer service = service(wrongName.localUri().toString(), Map.of())) {
            Http.Answer ready = http(service).get("/health/readiness");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/details/model/details/reason").asText())
                    .contains("answered 404", "Could not find any versions of model movies");
            Http.Answer predict = http(service).post("/predict", "{\"uid\": 1}");
            assertThat(predict.status()).isEqualTo(503);
            assertThat(predict.json().get("error").asText()).contains("answered 404", "(model or version not served)");
        }
    }

    @Test
    void aServerWithAnotherVersionIsNotReady() throws IOException {
        Path base = tmp.resolve("v7/movies");
        copyTree(TestBundles.standard().resolve("saved_model/movies/3"), base.resolve("7"));
        try (ServedModel v7 = ServedModel.loadLatest(TestBundles.MODEL, base, BundleLayout.SIGNATURE, 1);
                StandInServer newer = startStandIn(v7);
                EmbeddedServer service = service(newer.localUri().toString(), Map.of())) {
            Http.Answer ready = http(service).get("/health/readiness");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/details/model/details/reason").asText())
                    .contains("Could not find version 3 of model movies");
            assertThat(http(service).post("/predict", "{\"uid\": 1}").json().get("error").asText())
                    .contains("Servable not found for request: Specific(movies, 3)");
        }
    }

    @Test
    void aServerThatIsDownIsNotReadyAndA503() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (EmbeddedServer service = service("http://127.0.0.1:" + closedPort, Map.of())) {
            Http.Answer ready = http(service).get("/health/readiness");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/details/model/details/reason").asText()).contains("cannot reach TensorFlow Serving");
            Http.Answer predict = http(service).get("/v1/recommendations/1");
            assertThat(predict.status()).isEqualTo(503);
            assertThat(predict.json().get("error").asText()).contains("cannot reach TensorFlow Serving at http://127.0.0.1:" + closedPort);
            assertThat(http(service).get("/v1/recommendations/2").status()).as("fallback needs no embedding").isEqualTo(200);
        }
    }

    /**
     * TensorFlow Serving up only after the recommender: readiness names the missing server, then the warm-up (200
     * runs here, each at least 20 ms at the server) while it runs, and is UP only once every run has been made;
     * the warm-up's answers are not kept.
     */
    @Test
    void aServerThatComesUpLaterIsWarmedUpBeforeTheServiceIsReady() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (EmbeddedServer service = service("http://127.0.0.1:" + port, Map.of("recommender.warmup-runs", 200))) {
            Http.Answer down = http(service).get("/health/readiness");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().at("/details/model/details/reason").asText()).contains("cannot reach TensorFlow Serving");
            try (StandInServer later = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    model, 8, new Faults(20, 0, 503))) {
                java.util.List<String> reasons = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + 30_000_000_000L;
                Http.Answer ready;
                while ((ready = http(service).get("/health/readiness")).status() != 200) {
                    assertThat(System.nanoTime()).as("ready within 30 s; readiness said " + reasons).isLessThan(deadline);
                    reasons.add(ready.json().at("/details/model/details/reason").asText());
                    Thread.sleep(20);
                }
                assertThat(reasons).anyMatch(r -> r.startsWith("warming up: ") && r.endsWith(" of 200 uncached "
                        + "recommendations computed"));
                assertThat(http(service).get("/v1/recommendations/1?k=100").body())
                        .isEqualTo(http(embedded).get("/v1/recommendations/1?k=100").body());
                // The warm-up ranked user 1 too, but the first request still computed: nothing was cached.
                String metrics = http(service).get("/metrics").body();
                assertThat(metrics).contains("recommender_warmup_runs 200.0");
                assertThat(metrics).containsPattern("(?m)^recommender_result_cache_gets_total\\{result=\"miss\",?\\} 1\\.0$")
                        .containsPattern("(?m)^recommender_result_cache_gets_total\\{result=\"hit\",?\\} 0\\.0$");
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
