package io.recommender.runtime.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserStates;
import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisServer;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import io.recommender.tfserving.server.Faults;
import io.recommender.tfserving.server.ServedModel;
import io.recommender.tfserving.server.StandInServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis mode with the user tower behind TensorFlow Serving (the stand-in, real HTTP, the real bundle's SavedModel):
 * the per-request rows go over REST and the answers are the embedded source's, byte for byte, for known users, a
 * user with a new event, and a user the model never saw.
 */
class LiveFeaturesTfServingTest {
    private static EmbeddedServer service(Path bundle, String redisUrl, String tfServingUrl) {
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("recommender.bundle-path", bundle.toString());
        props.put("recommender.features.source", "redis");
        props.put("recommender.features.redis-url", redisUrl);
        props.put("recommender.features.redis-prefix", "tfs:");
        props.put("recommender.features.redis-timeout", "2s");
        props.put("recommender.embedding-source", tfServingUrl == null ? "embedded" : "tfserving");
        if (tfServingUrl != null) {
            props.put("micronaut.http.services.tfserving.url", tfServingUrl);
        }
        return ApplicationContext.run(EmbeddedServer.class, props);
    }

    @Test
    void tfServingAndEmbeddedGiveTheSameLiveAnswers() throws Exception {
        RedisServer.assumeInstalled();
        Path bundle = TestBundles.real();
        String model = ModelBundle.readManifest(bundle).modelName();
        try (RedisServer redis = RedisServer.launch();
                ServedModel served = ServedModel.loadLatest(model, bundle.resolve(BundleLayout.SAVED_MODEL_ROOT).resolve(model),
                        BundleLayout.SIGNATURE, 1);
                StandInServer standIn = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        served, 8, Faults.NONE)) {
            try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                    RedisSettings.of(redis.url(), "tfs:").withTimeout(Duration.ofSeconds(10)))) {
                store.writeCatalog(MovieLensSmall.genres());
                store.writeAll(UserStates.replay(MovieLensSmall.events()).values());
            }
            try (EmbeddedServer embedded = service(bundle, redis.url(), null);
                    EmbeddedServer remote = service(bundle, redis.url(), standIn.localUri().toString())) {
                Http local = new Http(URI.create(embedded.getURL().toString()));
                Http viaTfServing = new Http(URI.create(remote.getURL().toString()));
                assertThat(viaTfServing.get("/health/readiness").status()).isEqualTo(200);
                assertThat(local.post("/v1/events", "{\"userId\": 3, \"movieId\": 318, \"rating\": 5}").status())
                        .isEqualTo(202);
                assertThat(local.post("/v1/events", "{\"userId\": 7000001, \"movieId\": 318, \"rating\": 5}").status())
                        .isEqualTo(202);
                for (int user : new int[] {1, 2, 3, 100, 414, 610, 7000001}) {
                    String path = "/v1/recommendations/" + user + "?k=20";
                    Http.Answer a = viaTfServing.get(path);
                    assertThat(a.status()).as(a.body()).isEqualTo(200);
                    assertThat(a.json().get("fallback").asBoolean()).isFalse();
                    assertThat(a.json().has("stale")).isFalse();
                    assertThat(a.body()).as("user %d", user).isEqualTo(local.get(path).body());
                }
            }
        }
    }
}
