package io.recommender.savedmodel;

import io.recommender.bundle.BundleLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Real SavedModels of a small two-layer user tower, {@code relu(x W1 + b1) W2 + b2}, written with TensorFlow
 * Java's graph API and seeded random weights: the same signature contract as the trained model
 * ({@code serving_default}, input {@code features}, output {@code embedding}).
 */
public final class SavedModelFixtures {
    /** Weights of the tower, kept to compute the expected output in plain Java. */
    public record Tower(float[][] w1, float[] b1, float[][] w2, float[] b2) {
        public int inputWidth() {
            return w1.length;
        }

        public int dimension() {
            return b2.length;
        }

        /** The tower's output for one input row, in double precision. */
        public double[] apply(float[] x) {
            double[] hidden = new double[b1.length];
            for (int j = 0; j < hidden.length; j++) {
                double s = b1[j];
                for (int i = 0; i < x.length; i++) {
                    s += (double) x[i] * w1[i][j];
                }
                hidden[j] = Math.max(0, s);
            }
            double[] out = new double[b2.length];
            for (int k = 0; k < out.length; k++) {
                double s = b2[k];
                for (int j = 0; j < hidden.length; j++) {
                    s += hidden[j] * w2[j][k];
                }
                out[k] = s;
            }
            return out;
        }
    }

    private SavedModelFixtures() {}

    public static Tower randomTower(long seed, int inputWidth, int hidden, int dimension) {
        Random r = new Random(seed);
        return new Tower(matrix(r, inputWidth, hidden), vector(r, hidden), matrix(r, hidden, dimension),
                vector(r, dimension));
    }

    /** Writes {@code tower} as a SavedModel into {@code dir} (which must not hold one yet). */
    public static void export(Tower tower, Path dir) throws IOException {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName(BundleLayout.SIGNATURE_INPUT)
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, tower.inputWidth())));
            Operand<TFloat32> w1 = tf.withName("w1").variable(tf.constant(tower.w1()));
            Operand<TFloat32> b1 = tf.withName("b1").variable(tf.constant(tower.b1()));
            Operand<TFloat32> w2 = tf.withName("w2").variable(tf.constant(tower.w2()));
            Operand<TFloat32> b2 = tf.withName("b2").variable(tf.constant(tower.b2()));
            Operand<TFloat32> hidden = tf.nn.relu(tf.math.add(tf.linalg.matMul(x, w1), b1));
            Operand<TFloat32> out = tf.withName(BundleLayout.SIGNATURE_OUTPUT)
                    .math.add(tf.linalg.matMul(hidden, w2), b2);
            try (Session s = new Session(g)) {
                s.initialize();
                SavedModelBundle.exporter(dir.toString())
                        .withSession(s)
                        .withSignature(Signature.builder()
                                .key(BundleLayout.SIGNATURE)
                                .methodName("tensorflow/serving/predict")
                                .input(BundleLayout.SIGNATURE_INPUT, x)
                                .output(BundleLayout.SIGNATURE_OUTPUT, out)
                                .build())
                        .export();
            }
        }
    }

    private static float[][] matrix(Random r, int rows, int cols) {
        float[][] m = new float[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = vector(r, cols);
        }
        return m;
    }

    private static float[] vector(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * 0.5f;
        }
        return v;
    }
}
