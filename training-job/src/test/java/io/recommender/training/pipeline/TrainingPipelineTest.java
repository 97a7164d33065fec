package io.recommender.training.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.training.TrainedBundle;
import io.recommender.training.features.FeatureBuilder;
import io.recommender.training.model.TrainedModel;
import io.recommender.training.model.TrainingConfig;
import io.recommender.training.model.UserTowerVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Trains on the bundled ml-latest-small data (a few epochs) and checks the model and the bundle. */
class TrainingPipelineTest {
    @Test
    void beatsTheBaselinesOnTheHeldOutSplit() {
        Manifest.Metrics m = TrainedBundle.get().manifest().metrics();
        assertThat(m.rmse()).isLessThan(m.baselines().userItemBiasRmse()).isLessThan(0.87);
        assertThat(m.baselines().userItemBiasRmse()).isLessThan(m.baselines().globalMeanRmse());
        assertThat(m.recallAt10()).isGreaterThan(m.baselines().mostPopularRecallAt10());
        assertThat(m.ndcgAt10()).isGreaterThan(m.baselines().mostPopularNdcgAt10());
    }

    @Test
    void bundleReadsBackThroughTheReader() {
        TrainingResult r = TrainedBundle.get();
        ModelBundle b = ModelBundle.open(r.bundle());
        Manifest m = b.manifest();

        assertThat(m.metrics()).isEqualTo(r.manifest().metrics());
        assertThat(m.source()).isEqualTo("trained");
        assertThat(m.dataFingerprint()).startsWith("sha256:");
        assertThat(m.hyperParameters()).containsEntry("seed", 42).containsEntry("embeddingSize", 32);
        assertThat(m.counts()).containsEntry("users", 610L).containsEntry("items", 9742L);
        assertThat(b.items().rows()).isEqualTo(9742);
        assertThat(b.items().cols()).isEqualTo(m.embedding().dimension()).isEqualTo(33);
        assertThat(b.userInputs().rows()).isEqualTo(610);
        // A user row: index and side features, then the padded history (item indices, then weights).
        assertThat(b.userInputs().cols()).isEqualTo(m.embedding().userInputWidth())
                .isEqualTo(FeatureBuilder.USER_WIDTH + 2 * TrainingConfig.DEFAULT_HISTORY);
        assertThat(m.hyperParameters()).containsEntry("history", TrainingConfig.DEFAULT_HISTORY);
        assertThat(b.titles()).containsEntry(1, "Toy Story (1995)");
        assertThat(Files.isRegularFile(b.savedModelDir().resolve("saved_model.pb"))).isTrue();
        assertThat(Files.isDirectory(b.savedModelDir().resolve("variables"))).isTrue();
        // Seen items are the training ratings only: fewer than all of user 1's 232 ratings.
        assertThat(b.seen().seenBy(1).length).isBetween(150, 231);
    }

    @Test
    void reloadedSavedModelGivesTheTrainedModelsOutputs() {
        TrainingResult r = TrainedBundle.get();
        TrainedModel model = r.model();
        ModelBundle b = ModelBundle.open(r.bundle());

        float[] reloaded = UserTowerVerifier.run(b.savedModelDir(), b.userInputs().values(), b.userInputs().cols());
        assertThat(reloaded).hasSameSizeAs(model.userVectors());
        for (int k = 0; k < reloaded.length; k++) {
            assertThat(reloaded[k]).isCloseTo(model.userVectors()[k], within(1e-5f));
        }
        // The bundle's item matrix and the SavedModel together reproduce the model's ranking scores.
        int user = 17;
        float[] scores = model.scores(user);
        int d = b.items().cols();
        for (int i = 0; i < b.items().rows(); i += 97) {
            float dot = 0;
            for (int k = 0; k < d; k++) {
                dot += reloaded[user * d + k] * b.items().values()[i * d + k];
            }
            assertThat(dot).isCloseTo(scores[i], within(1e-4f));
        }
    }

    /** The served embedding follows the history in the row: a user who rates one more movie gets a new vector. */
    @Test
    void servedEmbeddingMovesWithTheHistory() {
        TrainingResult r = TrainedBundle.get();
        ModelBundle b = ModelBundle.open(r.bundle());
        int w = b.userInputs().cols();
        int side = FeatureBuilder.USER_WIDTH;
        int h = (w - side) / 2;
        // Find a user with a free history slot and add one item they have not rated, with a five-star weight.
        int user = -1;
        int slot = -1;
        for (int u = 0; u < b.userInputs().rows() && user < 0; u++) {
            for (int k = 0; k < h; k++) {
                if (b.userInputs().values()[u * w + side + h + k] == 0f) {
                    user = u;
                    slot = k;
                    break;
                }
            }
        }
        assertThat(user).isNotNegative();
        float[] row = Arrays.copyOfRange(b.userInputs().values(), user * w, (user + 1) * w);
        float[] moved = row.clone();
        moved[side + slot] = 9000;
        moved[side + h + slot] = FeatureBuilder.historyWeight(5f);
        float[] out = UserTowerVerifier.run(b.savedModelDir(), concat(row, moved), w);
        int d = out.length / 2;
        assertThat(Arrays.copyOf(out, d)).isNotEqualTo(Arrays.copyOfRange(out, d, 2 * d));
        // The unchanged row still gives the trained vector.
        for (int k = 0; k < d; k++) {
            assertThat(out[k]).isCloseTo(r.model().userVectors()[user * d + k], within(1e-5f));
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void sameSeedAndDataGiveTheSameMetrics() {
        TrainingResult again = TrainedBundle.train(TrainedBundle.CONFIG, "again");
        assertThat(again.manifest().metrics()).isEqualTo(TrainedBundle.get().manifest().metrics());
        assertThat(again.manifest().dataFingerprint()).isEqualTo(TrainedBundle.get().manifest().dataFingerprint());
    }

    /** TensorFlow Serving loads SavedModels with the same C++ loader as Python TensorFlow. */
    @Test
    void pythonTensorFlowServesTheSameOutputs() throws Exception {
        String python = PythonTensorFlow.interpreter();
        TrainingResult r = TrainedBundle.get();
        ModelBundle b = ModelBundle.open(r.bundle());
        Path dir = Files.createTempDirectory("python-check");
        int rows = 20;
        int w = b.userInputs().cols();
        StringBuilder csv = new StringBuilder();
        for (int u = 0; u < rows; u++) {
            float[] row = Arrays.copyOfRange(b.userInputs().values(), u * w, (u + 1) * w);
            csv.append(String.join(",", toStrings(row))).append('\n');
        }
        Files.writeString(dir.resolve("in.csv"), csv);
        Process p = new ProcessBuilder(python, Path.of("src/test/python/savedmodel_outputs.py").toString(),
                b.savedModelDir().toString(), BundleLayout.SIGNATURE_INPUT, BundleLayout.SIGNATURE_OUTPUT,
                dir.resolve("in.csv").toString(), dir.resolve("out.csv").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertThat(p.waitFor()).as(Files.readString(dir.resolve("log.txt"))).isZero();

        String[] lines;
        try (Stream<String> s = Files.lines(dir.resolve("out.csv"))) {
            lines = s.toArray(String[]::new);
        }
        assertThat(lines).hasSize(rows);
        int d = r.model().dimension();
        for (int u = 0; u < rows; u++) {
            String[] values = lines[u].split(",");
            assertThat(values).hasSize(d);
            for (int k = 0; k < d; k++) {
                assertThat(Float.parseFloat(values[k])).isCloseTo(r.model().userVectors()[u * d + k], within(1e-5f));
            }
        }
    }

    private static String[] toStrings(float[] row) {
        String[] s = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            s[i] = Float.toString(row[i]);
        }
        return s;
    }

    /** The Python with tensorflow-cpu that scripts/setup.sh installs; tests fail loudly without it. */
    static final class PythonTensorFlow {
        static String interpreter() throws IOException {
            String configured = System.getenv("RECOMMENDER_PYTHON");
            Path python = configured != null ? Path.of(configured)
                    : Path.of(System.getProperty("user.home"), ".cache", "recommender-operator", "python", "bin", "python");
            if (!Files.isExecutable(python)) {
                throw new IOException("no Python with tensorflow-cpu at " + python
                        + ": run scripts/setup.sh (or set RECOMMENDER_PYTHON)");
            }
            return python.toString();
        }
    }
}
