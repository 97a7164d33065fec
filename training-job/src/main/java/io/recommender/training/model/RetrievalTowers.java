package io.recommender.training.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The retrieval head's two towers: the ranking score of item {@code i} for a user is {@code u . q_i + p_i}.
 *
 * <p>User tower (the one exported and served): with a history ({@code historyLength > 0}, rows {@code [index,
 * side features..., h item indices, h weights]}), {@code u = tanh(sum_j w_j e_j / sqrt(sum_j w_j^2) + b)}: the
 * history's input embeddings {@code e_j} summed with the weights (the rating / 5; weight 0 marks an empty slot)
 * over the weights' L2 norm, as a denoising autoencoder of the user's ratings reads its input (Liang et al.,
 * "Variational Autoencoders for Collaborative Filtering", 2018: Mult-DAE). The user ID is not read: the vector
 * comes from what the user rated, so a user the model never saw, or a new rating, moves it at once. An empty
 * history gives {@code tanh(b)}, the same vector for everyone. Without a history, {@code u = tanh(e_user + b)}
 * from a per-user embedding.
 *
 * <p>Item tower: an output embedding {@code q_i} and a popularity prior {@code p_i} per item, separate from
 * the input embeddings (untied, as in Mult-DAE).
 */
final class RetrievalTowers {
    static final String HISTORY_EMBEDDING = "history_item_embedding";
    static final String USER_EMBEDDING = "user_retrieval_embedding";
    static final String USER_BIAS = "user_retrieval_bias";
    static final String ITEM_EMBEDDING = "item_retrieval_embedding";
    static final String ITEM_PRIOR = "item_retrieval_prior";

    private final int userIds;
    private final int sideWidth;
    private final int size;
    private final int historyLength;
    private final int items;

    /**
     * @param userIds rows of the per-user embedding (used without a history only)
     * @param inputWidth the user row's width, history columns included
     * @param size the user and item vectors' size (the served embedding is one wider: the prior's 1)
     */
    RetrievalTowers(int userIds, int inputWidth, int size, int historyLength, int items) {
        this.userIds = userIds;
        this.sideWidth = inputWidth - 2 * historyLength;
        this.size = size;
        this.historyLength = historyLength;
        this.items = items;
        if (sideWidth < 1) {
            throw new IllegalArgumentException("input width " + inputWidth + " cannot hold a history of " + historyLength);
        }
    }

    int size() {
        return size;
    }

    /** The user tower's parameter shapes: what the exported SavedModel holds. */
    Map<String, long[]> userShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (historyLength > 0) {
            shapes.put(HISTORY_EMBEDDING, new long[] {items, size});
        } else {
            shapes.put(USER_EMBEDDING, new long[] {userIds, size});
        }
        shapes.put(USER_BIAS, new long[] {size});
        return shapes;
    }

    /** Every parameter shape of both towers, user tower first. */
    Map<String, long[]> shapes() {
        Map<String, long[]> shapes = userShapes();
        shapes.put(ITEM_EMBEDDING, new long[] {items, size});
        shapes.put(ITEM_PRIOR, new long[] {items});
        return shapes;
    }

    /** Seeded initial values: embeddings normal with variance 2 / (items + size) (Glorot), biases and priors 0. */
    Map<String, float[]> initialValues(SplittableRandom rnd) {
        double std = Math.sqrt(2.0 / (items + size));
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            long[] s = e.getValue();
            float[] v = new float[Math.toIntExact(s.length == 1 ? s[0] : s[0] * s[1])];
            if (e.getKey().endsWith("_embedding")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(rnd) * std);
                }
            }
            values.put(e.getKey(), v);
        }
        return values;
    }

    /**
     * User vectors {@code [batch, size]} of rows {@code [batch, inputWidth]}; {@code keep} ({@code [batch, h]} of
     * 0 and 1, or null) multiplies the history weights: training drops history items at random, so the tower learns
     * to predict a user's other ratings from part of them.
     */
    Operand<TFloat32> user(Ops tf, Operand<TFloat32> rows, Map<String, ? extends Operand<TFloat32>> params,
            Operand<TFloat32> keep) {
        Operand<TFloat32> x;
        if (historyLength > 0) {
            Operand<TInt32> slots = tf.dtypes.cast(tf.slice(rows, tf.constant(new int[] {0, sideWidth}),
                    tf.constant(new int[] {-1, historyLength})), TInt32.class);
            Operand<TFloat32> weights = tf.slice(rows, tf.constant(new int[] {0, sideWidth + historyLength}),
                    tf.constant(new int[] {-1, historyLength}));
            if (keep != null) {
                weights = tf.math.mul(weights, keep);
            }
            Operand<TFloat32> vectors = tf.gather(params.get(HISTORY_EMBEDDING), slots, tf.constant(0));
            Operand<TFloat32> sum = tf.sum(tf.math.mul(vectors, tf.expandDims(weights, tf.constant(2))),
                    tf.constant(1));
            Operand<TFloat32> norm = tf.math.sqrt(tf.math.maximum(
                    tf.sum(tf.math.square(weights), tf.constant(1), Sum.keepDims(true)), tf.constant(1e-12f)));
            x = tf.math.div(sum, norm);
        } else {
            Operand<TInt32> index = tf.dtypes.cast(tf.reshape(tf.slice(rows, tf.constant(new int[] {0, 0}),
                    tf.constant(new int[] {-1, 1})), tf.constant(new int[] {-1})), TInt32.class);
            x = tf.gather(params.get(USER_EMBEDDING), index, tf.constant(0));
        }
        return tf.math.tanh(tf.math.add(x, params.get(USER_BIAS)));
    }

    /** Ranking scores {@code [batch, items]} of user vectors against every item. */
    Operand<TFloat32> scores(Ops tf, Operand<TFloat32> users, Map<String, ? extends Operand<TFloat32>> params) {
        return tf.math.add(tf.linalg.matMul(users, params.get(ITEM_EMBEDDING),
                org.tensorflow.op.linalg.MatMul.transposeB(true)), params.get(ITEM_PRIOR));
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
