package io.recommender.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.api.v1alpha1.Recommender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommenderFileTest {
    private static final String HEADER = "apiVersion: recommender.io/v1alpha1\nkind: Recommender\nmetadata:\n  name: r\n";

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("r.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsTheProjectsExamples() {
        Recommender r = RecommenderFile.read(Path.of("../examples/training-cpu-oci.yaml"));
        assertThat(r.getMetadata().getName()).isEqualTo("movies-cpu");
        assertThat(r.getSpec().model().training().epochs()).isEqualTo(150);
        assertThat(r.getSpec().slo().latency()).hasSize(1);
    }

    @Test
    void refusesOtherKinds() throws Exception {
        assertThatThrownBy(() -> RecommenderFile.read(write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")))
                .isInstanceOf(LocalPipelineException.class).hasMessageContaining("not a Recommender");
    }

    @Test
    void refusesYamlThatDoesNotParse() throws Exception {
        assertThatThrownBy(() -> RecommenderFile.read(write(HEADER + "spec: [unclosed\n")))
                .isInstanceOf(LocalPipelineException.class).hasMessageContaining("not a readable Recommender");
    }

    @Test
    void refusesTwoModelsOrNone() throws Exception {
        String both = HEADER + "spec:\n  model:\n    training: {dataset: bundled:ml-latest-small}\n"
                + "    artifact: {image: a/b:1, tfServingImage: a/c:1}\n  slo: {latency: [{percentile: 99, maxMs: 5}]}\n";
        assertThatThrownBy(() -> RecommenderFile.read(write(both)))
                .hasMessageContaining("exactly one of spec.model.training and spec.model.artifact");
        assertThatThrownBy(() -> RecommenderFile.read(write(HEADER + "spec: {}\n")))
                .hasMessageContaining("spec.model is required");
    }

    @Test
    void refusesAnSloWithoutLatencyTargets() throws Exception {
        String noSlo = HEADER + "spec:\n  model:\n    training: {dataset: bundled:ml-latest-small}\n";
        assertThatThrownBy(() -> RecommenderFile.read(write(noSlo))).hasMessageContaining("spec.slo.latency");
    }

    @Test
    void saysWhenTheFileIsMissing() {
        assertThatThrownBy(() -> RecommenderFile.read(dir.resolve("nope.yaml"))).hasMessageContaining("no such file");
    }
}
