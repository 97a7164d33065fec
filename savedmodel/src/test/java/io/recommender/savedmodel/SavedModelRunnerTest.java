package io.recommender.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recommender.bundle.BundleLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelRunnerTest {
    static final SavedModelFixtures.Tower TOWER = SavedModelFixtures.randomTower(7, 5, 8, 4);
    @TempDir
    static Path tmp;
    static SavedModelRunner runner;

    @BeforeAll
    static void export() throws IOException {
        SavedModelFixtures.export(TOWER, tmp.resolve("model"));
        runner = SavedModelRunner.load(tmp.resolve("model"), BundleLayout.SIGNATURE, 1);
    }

    @AfterAll
    static void close() {
        runner.close();
    }

    @Test
    void describesTheSignature() {
        assertThat(runner.signatureKey()).isEqualTo("serving_default");
        assertThat(runner.methodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(runner.inputs()).containsOnlyKeys("features");
        assertThat(runner.inputs().get("features").width()).isEqualTo(5);
        assertThat(runner.inputs().get("features").tensorName()).isEqualTo("features:0");
        assertThat(runner.outputs().get("embedding").width()).isEqualTo(4);
    }

    @Test
    void computesTheTowerForABatchAndForOneRow() {
        float[][] x = {{1, 0, -1, 0.5f, 2}, {0, 0, 0, 0, 0}, {-3, 1, 1, 1, -0.25f}};
        float[][] y = runner.run(Map.of("features", x)).get("embedding");
        assertThat(y).hasDimensions(3, 4);
        for (int r = 0; r < x.length; r++) {
            double[] expected = TOWER.apply(x[r]);
            float[] one = new float[4];
            runner.runOne(x[r], one);
            for (int k = 0; k < 4; k++) {
                assertThat((double) y[r][k]).isCloseTo(expected[k], within(1e-5));
                // Not bit for bit: for a batch TensorFlow may pick another CPU kernel than for one row (it does on
                // AVX2 machines), which sums in another order; a few units in the last place apart.
                assertThat(one[k]).isCloseTo(y[r][k], within(4 * Math.ulp(y[r][k])));
            }
        }
    }

    @Test
    void rejectsInputsThatDoNotFitTheSignature() {
        assertThatThrownBy(() -> runner.run(Map.of("x", new float[][] {{1, 2, 3, 4, 5}})))
                .isInstanceOf(ModelInputException.class).hasMessageContaining("takes inputs [features]");
        assertThatThrownBy(() -> runner.run(Map.of("features", new float[][] {{1, 2, 3}})))
                .isInstanceOf(ModelInputException.class).hasMessageContaining("rows of 5 values, got a row of 3");
        assertThatThrownBy(() -> runner.run(Map.of("features", new float[0][])))
                .isInstanceOf(ModelInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> runner.runOne(new float[2], new float[4]))
                .isInstanceOf(ModelInputException.class).hasMessageContaining("width 5, got 2");
    }

    @Test
    void loadFailuresSayWhy() throws IOException {
        assertThatThrownBy(() -> SavedModelRunner.load(tmp.resolve("absent"), "serving_default", 1))
                .isInstanceOf(SavedModelException.class).hasMessageContaining("no saved_model.pb");
        assertThatThrownBy(() -> SavedModelRunner.load(tmp.resolve("model"), "other", 1))
                .isInstanceOf(SavedModelException.class).hasMessageContaining("no signature 'other'")
                .hasMessageContaining("serving_default");
        Path garbage = Files.createDirectories(tmp.resolve("garbage"));
        Files.writeString(garbage.resolve("saved_model.pb"), "not a protobuf");
        assertThatThrownBy(() -> SavedModelRunner.load(garbage, "serving_default", 1))
                .isInstanceOf(SavedModelException.class).hasMessageContaining("cannot load the SavedModel");
    }
}
