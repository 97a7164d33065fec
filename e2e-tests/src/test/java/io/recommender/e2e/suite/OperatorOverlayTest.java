package io.recommender.e2e.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.testsupport.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The e2e suite's kustomize overlay, rendered by kubectl's kustomize (no cluster needed). */
class OperatorOverlayTest {
    @TempDir
    Path dir;

    String render(String image, Map<String, String> env) throws IOException {
        Path overlay = Path.of("target", "overlay-test", dir.getFileName().toString()).toAbsolutePath();
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("kustomization.yaml"), RecommenderE2eIT.overlay(overlay, image, env::get));
        Kubectl.Result r = new Kubectl(Kubectl.find(), overlay.resolve("unused-kubeconfig")).run("kustomize", overlay.toString());
        assertThat(r.exit()).as(r.describe()).isZero();
        return r.out();
    }

    @Test
    void overridesTheOperatorImageByTagOrDigest() throws IOException {
        assertThat(render("localhost:5000/recommender-operator:e2e", Map.of()))
                .contains("image: localhost:5000/recommender-operator:e2e")
                .doesNotContain("ghcr.io/recommender-operator/operator:0.1.0");
        String digest = "sha256:" + "ab".repeat(32);
        assertThat(render("123456789012.dkr.ecr.eu-west-1.amazonaws.com/recommender-operator@" + digest, Map.of()))
                .contains("image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/recommender-operator@" + digest);
    }

    @Test
    void setsTheDefaultImagesOnlyWhenGiven() throws IOException {
        String rendered = render("op:1", Map.of("E2E_LOAD_TEST_IMAGE", "localhost:5000/load-test:e2e"));
        assertThat(rendered).contains("value: localhost:5000/load-test:e2e")
                .contains("value: ghcr.io/recommender-operator/training-job:0.1.0")
                .doesNotContain("value: ghcr.io/recommender-operator/load-test:0.1.0");
    }
}
