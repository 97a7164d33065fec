package io.recommender.training.model;

import io.recommender.bundle.BundleLayout;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Loads an exported user tower in a fresh TensorFlow session, the way a server would, and checks that it
 * reproduces the user vectors the model was evaluated with. A bundle whose SavedModel disagrees with its
 * own metrics is never committed.
 */
public final class UserTowerVerifier {
    static final float TOLERANCE = 1e-4f;

    private UserTowerVerifier() {}

    /** Runs the SavedModel's serving signature on {@code rows} and returns the output, row-major. */
    public static float[] run(Path savedModelDir, float[] rows, int width) {
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModelDir.toString(), "serve");
                TFloat32 input = Tensors.matrix(rows, rows.length / width, width);
                Result result = bundle.function(BundleLayout.SIGNATURE)
                        .call(Map.<String, Tensor>of(BundleLayout.SIGNATURE_INPUT, input))) {
            return Tensors.toArray((TFloat32) result.get(BundleLayout.SIGNATURE_OUTPUT)
                    .orElseThrow(() -> new IllegalStateException("SavedModel has no output "
                            + BundleLayout.SIGNATURE_OUTPUT)));
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
