package io.recommender.training.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One tower of the two-tower model: an ID embedding looked up by the index in column 0 of the input row,
 * concatenated with the row's side features, through dense ReLU layers shared by two linear heads of
 * {@code embeddingSize} (rating and retrieval); plus a rating bias per ID and, for items, a retrieval prior. The same code builds the training graph and the
 * exported user tower, so the two cannot drift apart.
 */
final class Tower {
    private final String name;
    private final int ids;
    private final int inputWidth;
    private final int embeddingSize;
    private final int[] hidden;
    private final boolean withPrior;

    /** @param withPrior whether IDs get a retrieval bias (items: a learned popularity prior; users: none) */
    Tower(String name, int ids, int inputWidth, int embeddingSize, int[] hidden, boolean withPrior) {
        this.name = name;
        this.ids = ids;
        this.inputWidth = inputWidth;
        this.embeddingSize = embeddingSize;
        this.hidden = hidden.clone();
        this.withPrior = withPrior;
    }

    String name() {
        return name;
    }

    /** Parameter shapes in a fixed order: the order of initial values, snapshots and graph variables. */
    Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(name + "_id_embedding", new long[] {ids, embeddingSize});
        shapes.put(name + "_id_bias", new long[] {ids});
        if (withPrior) {
            shapes.put(name + "_id_prior", new long[] {ids});
        }
        int in = embeddingSize + inputWidth - 1;
        for (int l = 0; l < hidden.length; l++) {
            shapes.put(name + "_dense" + l + "_kernel", new long[] {in, hidden[l]});
            shapes.put(name + "_dense" + l + "_bias", new long[] {hidden[l]});
            in = hidden[l];
        }
        for (String head : HEADS) {
            shapes.put(name + "_" + head + "_kernel", new long[] {in, embeddingSize});
            shapes.put(name + "_" + head + "_bias", new long[] {embeddingSize});
        }
        return shapes;
    }

    /**
     * Seeded initial values: small normal ID embeddings, Glorot-uniform kernels (He-scaled for ReLU
     * layers), zero biases. Drawn in Java so a seed gives the same start on any device.
     */
    Map<String, float[]> initialValues(SplittableRandom rnd) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(s.length == 1 ? s[0] : s[0] * s[1])];
            String key = e.getKey();
            if (key.endsWith("_id_embedding")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(rnd) * 0.05);
                }
            } else if (key.endsWith("_kernel")) {
                double limit = Math.sqrt(6.0 / (s[0] + s[1]));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
                }
            }
            values.put(key, v);
        }
        return values;
    }

    /** The two linear heads on the shared layers: rating prediction and retrieval. */
    static final String[] HEADS = {"rating", "retrieval"};

    /** The tower's outputs for input rows {@code [batch, inputWidth]}. */
    Output apply(Ops tf, Operand<TFloat32> rows, Map<String, Variable<TFloat32>> params) {
        Operand<TInt32> index = tf.dtypes.cast(
                tf.reshape(tf.slice(rows, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})),
                        tf.constant(new int[] {-1})),
                TInt32.class);
        Operand<TFloat32> features = tf.slice(rows, tf.constant(new int[] {0, 1}),
                tf.constant(new int[] {-1, inputWidth - 1}));
        Operand<TFloat32> idEmbedding = tf.gather(params.get(name + "_id_embedding"), index, tf.constant(0));
        List<Operand<TFloat32>> parts = new ArrayList<>(List.of(idEmbedding, features));
        Operand<TFloat32> x = tf.concat(parts, tf.constant(1));
        for (int l = 0; l < hidden.length; l++) {
            x = tf.nn.relu(dense(tf, x, params, "_dense" + l));
        }
        Operand<TFloat32> bias = tf.gather(params.get(name + "_id_bias"), index, tf.constant(0));
        Operand<TFloat32> prior = withPrior ? tf.gather(params.get(name + "_id_prior"), index, tf.constant(0)) : null;
        return new Output(dense(tf, x, params, "_rating"), bias, dense(tf, x, params, "_retrieval"), prior,
                idEmbedding);
    }

    private Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Map<String, Variable<TFloat32>> params, String layer) {
        return tf.math.add(tf.linalg.matMul(x, params.get(name + layer + "_kernel")),
                params.get(name + layer + "_bias"));
    }

    static Shape shape(long[] dims) {
        return Shape.of(dims);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * @param rating vector whose dot product with the other tower's, plus both biases and the global mean,
     *     predicts the rating
     * @param retrieval vector whose dot product with the other tower's, plus the item prior, ranks items
     * @param prior retrieval bias per ID, or null for a tower without one
     */
    record Output(Operand<TFloat32> rating, Operand<TFloat32> bias, Operand<TFloat32> retrieval,
            Operand<TFloat32> prior, Operand<TFloat32> idEmbedding) {}
}
