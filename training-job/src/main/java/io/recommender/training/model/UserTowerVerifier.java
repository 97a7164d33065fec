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

    /** Rows per run: the tower holds rows x history x size floats inside (210 MB for 1,024 rows at the defaults). */
    static final int BATCH = 1024;

    /** Runs the SavedModel's serving signature on {@code rows}, {@link #BATCH} rows a run; the output, row-major. */
    public static float[] run(Path savedModelDir, float[] rows, int width) {
        int n = rows.length / width;
        float[] flat = null;
        int dim = 0;
        try (SavedModelRunner runner = SavedModelRunner.load(savedModelDir, BundleLayout.SIGNATURE, 1)) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                float[][] batch = new float[to - from][];
                for (int r = from; r < to; r++) {
                    batch[r - from] = Arrays.copyOfRange(rows, r * width, (r + 1) * width);
                }
                float[][] out = runner.run(Map.of(BundleLayout.SIGNATURE_INPUT, batch))
                        .get(BundleLayout.SIGNATURE_OUTPUT);
                if (out == null) {
                    throw new IllegalStateException("SavedModel has no output " + BundleLayout.SIGNATURE_OUTPUT);
                }
                if (flat == null) {
                    dim = out.length == 0 ? 0 : out[0].length;
                    flat = new float[n * dim];
                }
                for (int r = from; r < to; r++) {
                    System.arraycopy(out[r - from], 0, flat, r * dim, dim);
                }
            }
        }
        return flat == null ? new float[0] : flat;
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
