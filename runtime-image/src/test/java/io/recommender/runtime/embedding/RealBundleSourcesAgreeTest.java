package io.recommender.runtime.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.Http;
import io.recommender.tfserving.server.Faults;
import io.recommender.tfserving.server.ServedModel;
import io.recommender.tfserving.server.StandInServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Both embedding sources on the real ml-latest-small bundle give byte-identical answers for every user. The
 * bundle is {@code -Drecommender.real-bundle=DIR} if given, else trained here with the training job's jar
 * (present after training-job is packaged, e.g. in {@code mvn verify}) on the shared MovieLens data; without
 * either the test is skipped.
 */
class RealBundleSourcesAgreeTest {
    static final Path TRAINING_JAR = Path.of("../training-job/target/training-job.jar");
    static final Path DATA = Path.of("../../shared/data/ml-latest-small");
    static final Path TRAINED = Path.of("target/real-bundle/ml-latest-small");

    @Test
    void embeddedAndTfServingAgreeForEveryUser() throws Exception {
        Path bundleDir = realBundle();
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

    static Path realBundle() throws IOException, InterruptedException {
        String given = System.getProperty("recommender.real-bundle");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        if (isBundle(TRAINED)) {
            return TRAINED;
        }
        assumeTrue(Files.isRegularFile(TRAINING_JAR) && Files.isDirectory(DATA),
                "no real bundle: needs " + TRAINING_JAR + " and " + DATA + ", or -Drecommender.real-bundle");
        Files.createDirectories(TRAINED.getParent());
        Path log = TRAINED.getParent().resolve("train.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                TRAINING_JAR.toString(), "train", "--data", DATA.toString(), "--out", TRAINED.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("training finished, see " + log).isTrue();
        assertThat(p.exitValue()).as("training exit code, see " + log).isZero();
        return TRAINED;
    }

    private static boolean isBundle(Path dir) {
        try {
            ModelBundle.open(dir);
            return true;
        } catch (BundleException e) {
            return false;
        }
    }
}
