package io.recommender.e2e.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recommender.testsupport.Helm;
import io.recommender.testsupport.Kubectl;
import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/publish.sh against real registries (the docker-registry package on loopback): every image pushed is the
 * image its module's tarball holds, the overlay pins each by digest, and a registry that refuses uploads fails the
 * run with the reason and leaves the earlier overlay as it was. The chart with the values it wrote renders the same
 * images. Runs in e2e-tests' `mvn verify`, after the build made the images' tarballs (scripts/test.sh builds with
 * -Pimage); Jib builds them again and must push the same digests.
 */
class PublishScriptIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<Process> registries = new ArrayList<>();
    static final Map<String, String> MODULES = Map.of("OPERATOR_IMAGE", "operator", "TRAINING_IMAGE", "training-job",
            "LOAD_TEST_IMAGE", "load-test", "RUNTIME_IMAGE", "runtime-image");

    @TempDir
    static Path dir;

    @AfterAll
    static void stop() {
        registries.forEach(Process::destroyForcibly);
    }

    static String registry(String name, boolean readOnly) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve(name + ".yml");
        Files.writeString(config, """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: %s
                  maintenance:
                    readonly:
                      enabled: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve(name), readOnly, port));
        registries.add(new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start());
        String address = "127.0.0.1:" + port;
        for (int i = 0; i < 100 && status("http://" + address + "/v2/", "GET") != 200; i++) {
            Thread.sleep(100);
        }
        return address;
    }

    static int status(String url, String method) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    static Container operatorContainer(List<HasMetadata> objects) {
        return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                .orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The container's environment variables that have a value (not a reference). */
    static Map<String, String> values(Container c) {
        return c.getEnv().stream().filter(v -> v.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void publishesEveryImageByDigestAndKeepsTheOverlayWhenARegistryRefuses() throws Exception {
        String registry = registry("writable", false);
        Path out = dir.resolve("install");
        PublishScript r = PublishScript.run(Map.of(), registry, "--insecure", "--out", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();

        Map<String, String> images = PublishedImages.read(out);
        assertThat(images).containsOnlyKeys(MODULES.keySet());
        for (var e : images.entrySet()) {
            String ref = e.getValue();
            assertThat(ref).matches("\\Q" + registry + "\\E/recommender-[a-z-]+@sha256:[0-9a-f]{64}");
            String repo = ref.substring(registry.length() + 1, ref.indexOf('@'));
            String digest = ref.substring(ref.indexOf('@') + 1);
            assertThat(status("http://" + registry + "/v2/" + repo + "/manifests/" + digest, "HEAD"))
                    .as("%s in the registry", ref).isEqualTo(200);
            // The very image the module's tarball holds (the one the smoke tests ran).
            Path module = Repo.ROOT.resolve(MODULES.get(e.getKey())).resolve("target");
            try (var files = Files.list(module)) {
                Path tarDigest = files.filter(f -> f.getFileName().toString().endsWith("-image.digest")
                        && !f.getFileName().toString().startsWith("published")).findFirst().orElseThrow();
                assertThat(Files.readString(tarDigest).strip()).as("%s's tarball", repo).isEqualTo(digest);
            }
        }

        List<HasMetadata> objects = new Kubectl(Kubectl.find(), dir.resolve("unused-kubeconfig")).kustomize(out);
        Container container = operatorContainer(objects);
        assertThat(container.getImage()).isEqualTo(images.get("OPERATOR_IMAGE"));
        Map<String, String> env = values(container);
        assertThat(env).containsEntry("RECOMMENDER_TRAINING_IMAGE", images.get("TRAINING_IMAGE"))
                .containsEntry("RECOMMENDER_LOAD_TEST_IMAGE", images.get("LOAD_TEST_IMAGE"))
                .containsEntry("RECOMMENDER_RUNTIME_IMAGE", images.get("RUNTIME_IMAGE"))
                // Without --tfserving-standin the TF Serving base stays TensorFlow's own.
                .containsEntry("RECOMMENDER_TFSERVING_IMAGE", "docker.io/tensorflow/serving:2.18.0");
        assertThat(objects).extracting(HasMetadata::getKind).contains("CustomResourceDefinition", "ClusterRole",
                "Namespace", "ServiceAccount");

        // The chart with the values publish.sh wrote installs the same images.
        Container charted = operatorContainer(Kubectl.parse(new Helm(null).ok("template", "recommender-operator",
                "charts/recommender-operator", "-f", out.resolve("values.yaml").toString())));
        assertThat(charted.getImage()).isEqualTo(images.get("OPERATOR_IMAGE"));
        assertThat(values(charted)).isEqualTo(env);

        String overlay = Files.readString(out.resolve("kustomization.yaml"));
        String readOnly = registry("read-only", true);
        PublishScript refused = PublishScript.run(Map.of(), readOnly, "--insecure", "--out", out.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).contains("the push to " + readOnly + " failed (the registry refuses uploads",
                "nothing was written to " + out, "405");
        assertThat(Files.readString(out.resolve("kustomization.yaml"))).isEqualTo(overlay);
    }
}
