package io.recommender.runtime.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import io.recommender.tfserving.server.Faults;
import io.recommender.tfserving.server.ServedModel;
import io.recommender.tfserving.server.StandInServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both embedding sources on the real ml-latest-small bundle ({@link TestBundles#real()}; skipped without it)
 * give byte-identical answers for every user.
 */
class RealBundleSourcesAgreeTest {
    @Test
    void embeddedAndTfServingAgreeForEveryUser() throws Exception {
        Path bundleDir = TestBundles.real();
        ModelBundle bundle = ModelBundle.open(bundleDir);
        String name = bundle.manifest().modelName();
        try (ServedModel served = ServedModel.loadLatest(name, bundle.modelBasePath(), BundleLayout.SIGNATURE, 1);
                StandInServer standIn = StandInServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        served, 8, Faults.NONE);
                EmbeddedServer embedded = service(bundleDir, Map.of("recommender.embedding-source", "embedded"));
                EmbeddedServer remote = service(bundleDir, Map.of("recommender.embedding-source", "tfserving",
                        "micronaut.http.services.tfserving.url", standIn.localUri().toString()))) {
            Http local = new Http(URI.create(embedded.getURL().toString()));
            Http viaServer = new Http(URI.create(remote.getURL().toString()));
            assertThat(viaServer.get("/health/readiness").status()).isEqualTo(200);
            int[] users = bundle.userInputs().ids();
            assertThat(users.length).isGreaterThan(500);
            for (int user : users) {
                Http.Answer a = local.get("/v1/recommendations/" + user + "?k=10");
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json().get("items").size()).isEqualTo(10);
                assertThat(viaServer.get("/v1/recommendations/" + user + "?k=10").body()).as("user %d", user)
                        .isEqualTo(a.body());
            }
        }
    }

    static EmbeddedServer service(Path bundle, Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put("micronaut.server.port", -1);
        all.put("recommender.bundle-path", bundle.toString());
        return ApplicationContext.run(EmbeddedServer.class, all);
    }
}
