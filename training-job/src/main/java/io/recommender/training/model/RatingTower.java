package io.recommender.training.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One tower of the rating head: an ID embedding looked up by the index in column 0 of the input row,
 * concatenated with the row's side features, through dense ReLU layers to a linear output of
 * {@code embeddingSize}, plus a rating bias per ID. A user row with history columns ({@code [index, side
 * features..., h item indices, h weights]}) also gives the tower the user's implicit feedback, as SVD++ does
 * (Koren, "Factorization meets the neighborhood", 2008): the sum of a history embedding over the movies the user
 * rated, over the square root of their number, whatever the ratings were.
 */
final class RatingTower {
    private final String name;
    private final int ids;
    private final int sideWidth;
    private final int embeddingSize;
    private final int[] hidden;
    private final int historyLength;
    private final int historyIds;

    /**
     * @param inputWidth the whole row's width, history columns included
     * @param historyLength item slots of the history in each row (0: none)
     * @param historyIds rows of the history embedding (the items)
     */
    RatingTower(String name, int ids, int inputWidth, int historyLength, int historyIds, int embeddingSize,
            int[] hidden) {
        this.name = name;
        this.historyLength = historyLength;
        this.historyIds = historyIds;
        this.ids = ids;
        this.sideWidth = inputWidth - 2 * historyLength;
        this.embeddingSize = embeddingSize;
        this.hidden = hidden.clone();
        if (sideWidth < 1) {
            throw new IllegalArgumentException("input width " + inputWidth + " cannot hold a history of " + historyLength);
        }
    }

    /** Parameter shapes in a fixed order: the order of initial values, snapshots and graph variables. */
    Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(name + "_id_embedding", new long[] {ids, embeddingSize});
        shapes.put(name + "_id_bias", new long[] {ids});
        if (historyLength > 0) {
            shapes.put(name + "_history_embedding", new long[] {historyIds, embeddingSize});
        }
        int in = embeddingSize * (historyLength > 0 ? 2 : 1) + sideWidth - 1;
        for (int l = 0; l < hidden.length; l++) {
            shapes.put(name + "_dense" + l + "_kernel", new long[] {in, hidden[l]});
            shapes.put(name + "_dense" + l + "_bias", new long[] {hidden[l]});
            in = hidden[l];
        }
        shapes.put(name + "_rating_kernel", new long[] {in, embeddingSize});
        shapes.put(name + "_rating_bias", new long[] {embeddingSize});
        return shapes;
    }

    /**
     * Seeded initial values: small normal ID embeddings, Glorot-uniform kernels, zero biases. Drawn in Java so a
     * seed gives the same start on any device.
     */
    Map<String, float[]> initialValues(SplittableRandom rnd) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(s.length == 1 ? s[0] : s[0] * s[1])];
            String key = e.getKey();
            if (key.endsWith("_embedding")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (RetrievalTowers.gaussian(rnd) * 0.05);
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

    /**
     * The tower's outputs for input rows {@code [batch, inputWidth]}; {@code leaveOut} ({@code [batch]} item
     * indices, or null) leaves that item out of each row's history, so that a training rating's own movie is not
     * part of the feedback that predicts it.
     */
    Output apply(Ops tf, Operand<TFloat32> rows, Map<String, ? extends Operand<TFloat32>> params, Operand<TInt32> leaveOut) {
        Operand<TInt32> index = tf.dtypes.cast(
                tf.reshape(tf.slice(rows, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})),
                        tf.constant(new int[] {-1})),
                TInt32.class);
        Operand<TFloat32> features = tf.slice(rows, tf.constant(new int[] {0, 1}),
                tf.constant(new int[] {-1, sideWidth - 1}));
        Operand<TFloat32> idEmbedding = tf.gather(params.get(name + "_id_embedding"), index, tf.constant(0));
        Operand<TFloat32> x = historyLength == 0 ? tf.concat(List.of(idEmbedding, features), tf.constant(1))
                : tf.concat(List.of(idEmbedding, features, implicitFeedback(tf, rows, params, leaveOut)), tf.constant(1));
        for (int l = 0; l < hidden.length; l++) {
            x = tf.nn.relu(dense(tf, x, params, "_dense" + l));
        }
        Operand<TFloat32> bias = tf.gather(params.get(name + "_id_bias"), index, tf.constant(0));
        return new Output(dense(tf, x, params, "_rating"), bias, idEmbedding);
    }

    private Operand<TFloat32> implicitFeedback(Ops tf, Operand<TFloat32> rows, Map<String, ? extends Operand<TFloat32>> params,
            Operand<TInt32> leaveOut) {
        Operand<TInt32> slots = tf.dtypes.cast(tf.slice(rows, tf.constant(new int[] {0, sideWidth}),
                tf.constant(new int[] {-1, historyLength})), TInt32.class);
        Operand<TFloat32> rated = tf.dtypes.cast(tf.math.greater(tf.slice(rows,
                tf.constant(new int[] {0, sideWidth + historyLength}), tf.constant(new int[] {-1, historyLength})),
                tf.constant(0f)), TFloat32.class);
        if (leaveOut != null) {
            rated = tf.math.mul(rated, tf.dtypes.cast(tf.math.notEqual(slots,
                    tf.reshape(leaveOut, tf.constant(new int[] {-1, 1}))), TFloat32.class));
        }
        Operand<TFloat32> vectors = tf.gather(params.get(name + "_history_embedding"), slots, tf.constant(0));
        Operand<TFloat32> sum = tf.sum(tf.math.mul(vectors, tf.expandDims(rated, tf.constant(2))), tf.constant(1));
        Operand<TFloat32> count = tf.math.sqrt(tf.math.maximum(tf.sum(rated, tf.constant(1),
                org.tensorflow.op.core.Sum.keepDims(true)), tf.constant(1f)));
        return tf.math.div(sum, count);
    }

    private Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Map<String, ? extends Operand<TFloat32>> params, String layer) {
        return tf.math.add(tf.linalg.matMul(x, params.get(name + layer + "_kernel")),
                params.get(name + layer + "_bias"));
    }

    /**
     * @param rating vector whose dot product with the other tower's, plus both biases and the global mean,
     *     predicts the rating
     * @param bias rating bias per ID
     * @param idEmbedding the rows' ID embeddings (the L2 penalty's subject)
     */
    record Output(Operand<TFloat32> rating, Operand<TFloat32> bias, Operand<TFloat32> idEmbedding) {}
}
