package io.recommender.training.model;

import io.recommender.bundle.BundleLayout;
import io.recommender.savedmodel.SavedModelRunner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Loads an exported user tower in a fresh TensorFlow session, the way a server would (through the same
 * {@link SavedModelRunner} the service and the TensorFlow Serving stand-in use), and checks that it reproduces
 * the user vectors the model was evaluated with. A bundle whose SavedModel disagrees with its own metrics is
 * never committed.
 */
public final class UserTowerVerifier {
    static final float TOLERANCE = 1e-4f;

    private UserTowerVerifier() {}

    /** Runs the SavedModel's serving signature on {@code rows} and returns the output, row-major. */
    public static float[] run(Path savedModelDir, float[] rows, int width) {
        int n = rows.length / width;
        float[][] batch = new float[n][];
        for (int r = 0; r < n; r++) {
            batch[r] = Arrays.copyOfRange(rows, r * width, (r + 1) * width);
        }
        try (SavedModelRunner runner = SavedModelRunner.load(savedModelDir, BundleLayout.SIGNATURE, 1)) {
            float[][] out = runner.run(Map.of(BundleLayout.SIGNATURE_INPUT, batch)).get(BundleLayout.SIGNATURE_OUTPUT);
            if (out == null) {
                throw new IllegalStateException("SavedModel has no output " + BundleLayout.SIGNATURE_OUTPUT);
            }
            int dim = n == 0 ? 0 : out[0].length;
            float[] flat = new float[n * dim];
            for (int r = 0; r < n; r++) {
                System.arraycopy(out[r], 0, flat, r * dim, dim);
            }
            return flat;
        }
    }

    public static void verify(Path savedModelDir, float[] rows, int width, float[] expected, int dimension) {
        float[] actual = run(savedModelDir, rows, width);
        if (actual.length != expected.length) {
            throw new IllegalStateException("exported user tower gives " + actual.length / (rows.length / width)
                    + " values per user, expected " + dimension);
        }
        for (int k = 0; k < actual.length; k++) {
            if (Math.abs(actual[k] - expected[k]) > TOLERANCE * Math.max(1, Math.abs(expected[k]))) {
                throw new IllegalStateException("exported user tower disagrees with the trained model at user row "
                        + k / dimension + ", column " + k % dimension + ": " + actual[k] + " vs " + expected[k]);
            }
        }
    }
}
