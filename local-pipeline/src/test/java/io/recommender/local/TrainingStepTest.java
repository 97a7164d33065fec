package io.recommender.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.api.v1alpha1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingStepTest {
    private static final ProjectLayout PROJECT = new ProjectLayout(Path.of("..").toAbsolutePath().normalize());
    private static final String FINGERPRINT = "sha256:abc";

    @TempDir
    Path dir;

    private static TrainingSpec spec(Integer epochs, Integer embeddingSize, Long seed) {
        return new TrainingSpec("bundled:ml-latest-small", epochs, embeddingSize, seed, 0, null, null, null, null);
    }

    private void manifest(String source, String fingerprint, int epochs, int embeddingSize, long seed) throws Exception {
        Files.writeString(dir.resolve("manifest.json"), """
                {"formatVersion": 1, "modelName": "recommender", "modelVersion": 3, "source": "%s",
                 "dataFingerprint": "%s", "hyperParameters": {"epochs": %d, "embeddingSize": %d, "seed": %d},
                 "files": {}}""".formatted(source, fingerprint, epochs, embeddingSize, seed));
    }

    @Test
    void reusesABundleFromTheSameDataAndSettings() throws Exception {
        manifest("trained", FINGERPRINT, TrainingSpec.DEFAULT_EPOCHS, TrainingSpec.DEFAULT_EMBEDDING_SIZE, 42);
        assertThat(TrainingStep.reuseMismatch(dir, spec(null, null, null), FINGERPRINT)).isNull();
        manifest("trained", FINGERPRINT, 20, 32, 42);
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 32, 42L), FINGERPRINT)).isNull();
    }

    @Test
    void trainsAgainWhenAnythingDiffers() throws Exception {
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 32, 42L), FINGERPRINT)).contains("no earlier bundle");
        manifest("trained", FINGERPRINT, 20, 32, 42);
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 32, 42L), "sha256:other")).contains("other data");
        assertThat(TrainingStep.reuseMismatch(dir, spec(5, 32, 42L), FINGERPRINT)).contains("other settings");
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 16, 42L), FINGERPRINT)).contains("other settings");
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 32, 1L), FINGERPRINT)).contains("other settings");
        manifest("imported", FINGERPRINT, 20, 32, 42);
        assertThat(TrainingStep.reuseMismatch(dir, spec(20, 32, 42L), FINGERPRINT)).contains("other data");
    }

    @Test
    void findsTheBundledDatasetAndRefusesRemoteOnes() {
        assertThat(TrainingStep.dataset("bundled:ml-latest-small", PROJECT)).isDirectory();
        assertThatThrownBy(() -> TrainingStep.dataset("s3://bucket/ml", PROJECT))
                .hasMessageContaining("not on this machine");
        assertThatThrownBy(() -> TrainingStep.dataset("bundled:nope", PROJECT)).hasMessageContaining("movies.csv");
        assertThatThrownBy(() -> TrainingStep.dataset(dir.toString(), PROJECT)).hasMessageContaining("no ");
    }
}
