package io.recommender.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.BundleLayout;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A corrupt, incompatible or missing bundle: alive, never ready, and every answer says why. */
class RefusedBundleTest {
    @TempDir
    Path tmp;

    @Test
    void corruptBundleIsRefused() throws IOException {
        Path bundle = TestBundles.write(tmp.resolve("bundle"), TestBundles.TOWER, TestBundles.INPUT_WIDTH, 5);
        byte[] items = Files.readAllBytes(bundle.resolve(BundleLayout.ITEMS));
        items[items.length - 3] ^= 0x40;
        Files.write(bundle.resolve(BundleLayout.ITEMS), items);
        assertRefused(bundle, "checksum mismatch for items.bin");
    }

    @Test
    void savedModelThatDisagreesWithTheManifestIsRefused() throws IOException {
        Path bundle = TestBundles.write(tmp.resolve("bundle"), TestBundles.TOWER, TestBundles.INPUT_WIDTH + 1, 5);
        assertRefused(bundle, "expects exactly 'features' of width " + (TestBundles.INPUT_WIDTH + 1));
    }

    @Test
    void missingBundleIsRefused() {
        assertRefused(tmp.resolve("nowhere"), "not a model bundle");
    }

    /** A bundle from before the feature store (no user feature parameters) serves in bundle mode only. */
    @Test
    void aBundleWithoutUserFeatureParametersIsRefusedInRedisModeAndServedInBundleMode() {
        assertRefused(TestBundles.standard(), "lacks: it was trained before the feature store or imported",
                Map.of("recommender.features.source", "redis"));
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1,
                "recommender.bundle-path", TestBundles.standard().toString()))) {
            Http http = new Http(URI.create(server.getURL().toString()));
            assertThat(http.get("/health/readiness").status()).isEqualTo(200);
            Http.Answer known = http.get("/v1/recommendations/1");
            assertThat(known.status()).isEqualTo(200);
            assertThat(known.header("X-Recommender-Cache")).isEqualTo("miss");
            assertThat(http.get("/v1/recommendations/1").header("X-Recommender-Cache")).isEqualTo("hit");
            assertThat(known.json().has("stale")).isFalse();
        }
    }

    /** A bundle whose features were made by a transformation this service does not run. */
    @Test
    void aBundleOfAnotherFeatureTransformationIsRefusedInRedisMode() throws Exception {
        Path other = TestBundles.writeLive(tmp.resolve("v9"), "user-state-v9");
        assertRefused(other, "userFeatures are for the transformation 'user-state-v9'",
                Map.of("recommender.features.source", "redis"));
    }

    private static void assertRefused(Path bundle, String reason) {
        assertRefused(bundle, reason, Map.of());
    }

    private static void assertRefused(Path bundle, String reason, Map<String, Object> more) {
        Logger log = (Logger) LoggerFactory.getLogger(ModelService.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        Map<String, Object> props = new java.util.HashMap<>(more);
        props.put("micronaut.server.port", -1);
        props.put("recommender.bundle-path", bundle.toString());
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            Http http = new Http(URI.create(server.getURL().toString()));
            assertThat(http.get("/health/liveness").status()).isEqualTo(200);
            Http.Answer ready = http.get("/health/readiness");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/details/model/details/reason").asText()).contains(reason);
            Http.Answer predict = http.post("/predict", "{\"uid\": 1}");
            assertThat(predict.status()).isEqualTo(503);
            assertThat(predict.json().get("error").asText()).contains("not ready", reason);
            assertThat(http.get("/metrics").body()).contains("recommender_model_loaded 0.0");
            assertThat(logged.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("refused", reason, "will not become ready");
            });
        } finally {
            log.detachAppender(logged);
        }
    }
}
