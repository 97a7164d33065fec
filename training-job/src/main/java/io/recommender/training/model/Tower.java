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
 * {@code embeddingSize} (rating and retrieval); plus a rating bias per ID and, for items, a retrieval prior. The
 * same code builds the training graph and the exported user tower, so the two cannot drift apart.
 *
 * <p>With {@code residual} (the history-aware model) the retrieval head has a path of its own, apart from the
 * rating head's ID embedding and layers: the shared item embedding table ({@code item_id_embedding}) and the side
 * features through one ReLU layer, plus that embedding itself. The user tower has a history
 * ({@code historyLength > 0}) and reads its row as {@code [index, side features..., h item indices, h weights]}:
 * its retrieval path starts from the bag of the history's item embeddings, averaged with the weights (weight 0
 * marks an empty slot), instead of a per-user vector. Item indices travel as floats, exact below 2^24.
 */
final class Tower {
    private final String name;
    private final int ids;
    private final int inputWidth;
    private final int embeddingSize;
    private final int[] hidden;
    private final boolean withPrior;
    private final int historyLength;
    private final int historyIds;
    private final boolean residual;

    /** @param withPrior whether IDs get a retrieval bias (items: a learned popularity prior; users: none) */
    Tower(String name, int ids, int inputWidth, int embeddingSize, int[] hidden, boolean withPrior) {
        this(name, ids, inputWidth, embeddingSize, hidden, withPrior, 0, 0, false);
    }

    /**
     * @param inputWidth the whole row's width, history columns included
     * @param historyLength item slots of the history in each row (0: none)
     * @param historyIds rows of the shared item embedding table the history indexes
     * @param residual whether the retrieval head adds the history bag (or, without a history, the ID embedding)
     *     to its dense output
     */
    Tower(String name, int ids, int inputWidth, int embeddingSize, int[] hidden, boolean withPrior,
            int historyLength, int historyIds, boolean residual) {
        this.name = name;
        this.ids = ids;
        this.inputWidth = inputWidth;
        this.embeddingSize = embeddingSize;
        this.hidden = hidden.clone();
        this.withPrior = withPrior;
        this.historyLength = historyLength;
        this.historyIds = historyIds;
        this.residual = residual;
        if (inputWidth - 2 * historyLength < 1) {
            throw new IllegalArgumentException("input width " + inputWidth + " cannot hold a history of " + historyLength);
        }
    }

    /** The name of the item ID embedding table, which a history bag shares with the item tower. */
    static final String ITEM_EMBEDDING = "item_id_embedding";

    private int sideWidth() {
        return inputWidth - 2 * historyLength;
    }

    String name() {
        return name;
    }

    /** Parameter shapes in a fixed order: the order of initial values, snapshots and graph variables. */
    Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int in = embeddingSize + sideWidth() - 1;
        if (!residual) {
            shapes.put(name + "_id_embedding", new long[] {ids, embeddingSize});
        } else {
            shapes.put(name + "_rating_embedding", new long[] {ids, embeddingSize});
            shapes.put(ITEM_EMBEDDING, new long[] {historyLength > 0 ? historyIds : ids, embeddingSize});
        }
        shapes.put(name + "_id_bias", new long[] {ids});
        if (withPrior) {
            shapes.put(name + "_id_prior", new long[] {ids});
        }
        for (int l = 0; l < hidden.length; l++) {
            shapes.put(name + "_dense" + l + "_kernel", new long[] {in, hidden[l]});
            shapes.put(name + "_dense" + l + "_bias", new long[] {hidden[l]});
            in = hidden[l];
        }
        int retrievalIn = in;
        if (residual) {
            int width = hidden[hidden.length - 1];
            shapes.put(name + "_retrieval_dense_kernel", new long[] {embeddingSize + sideWidth() - 1, width});
            shapes.put(name + "_retrieval_dense_bias", new long[] {width});
            retrievalIn = width;
        }
        for (String head : HEADS) {
            shapes.put(name + "_" + head + "_kernel",
                    new long[] {head.equals("retrieval") ? retrievalIn : in, embeddingSize});
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
            if (key.endsWith("_embedding")) {
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
        return apply(tf, rows, params, null);
    }

    /**
     * The tower's outputs for input rows {@code [batch, inputWidth]}; {@code leaveOut} ({@code [batch]} item
     * indices, or null) drops that item from each row's history, so a training example's target is not in the
     * bag that predicts it.
     */
    Output apply(Ops tf, Operand<TFloat32> rows, Map<String, Variable<TFloat32>> params, Operand<TInt32> leaveOut) {
        return apply(tf, rows, params, leaveOut, null);
    }

    /**
     * As {@link #apply(Ops, Operand, Map, Operand)}, with {@code keep} ({@code [batch, historyLength]} of 0 and 1,
     * or null) multiplying the history weights: training drops history items at random (dropout on the bag's
     * inputs), so the bag learns from partial histories instead of memorising whole ones.
     */
    Output apply(Ops tf, Operand<TFloat32> rows, Map<String, Variable<TFloat32>> params, Operand<TInt32> leaveOut,
            Operand<TFloat32> keep) {
        Operand<TInt32> index = tf.dtypes.cast(
                tf.reshape(tf.slice(rows, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})),
                        tf.constant(new int[] {-1})),
                TInt32.class);
        Operand<TFloat32> features = tf.slice(rows, tf.constant(new int[] {0, 1}),
                tf.constant(new int[] {-1, sideWidth() - 1}));
        Operand<TFloat32> idEmbedding = tf.gather(params.get(name + (residual ? "_rating_embedding" : "_id_embedding")),
                index, tf.constant(0));
        Operand<TFloat32> x = tf.concat(List.of(idEmbedding, features), tf.constant(1));
        for (int l = 0; l < hidden.length; l++) {
            x = tf.nn.relu(dense(tf, x, params, "_dense" + l));
        }
        Operand<TFloat32> bias = tf.gather(params.get(name + "_id_bias"), index, tf.constant(0));
        Operand<TFloat32> prior = withPrior ? tf.gather(params.get(name + "_id_prior"), index, tf.constant(0)) : null;
        Operand<TFloat32> retrieval;
        if (residual) {
            // The retrieval head has a path of its own: the user's history bag (or the item's embedding in the
            // shared table) and the side features through one ReLU layer, plus the bag (or embedding) itself, so the
            // ranking score includes history bag . item embedding, an item-to-item similarity of learned vectors.
            // No per-user vector: it would memorise the user's training items, the very targets the leave-one-out
            // bag hides. The rating head keeps its own ID embeddings and layers, so one head does not disturb the
            // other.
            Operand<TFloat32> vector = historyLength > 0 ? historyBag(tf, rows, params, leaveOut, keep)
                    : tf.gather(params.get(ITEM_EMBEDDING), index, tf.constant(0));
            Operand<TFloat32> h = tf.nn.relu(dense(tf, tf.concat(List.of(vector, features), tf.constant(1)), params,
                    "_retrieval_dense"));
            retrieval = tf.math.add(dense(tf, h, params, "_retrieval"), vector);
            return new Output(dense(tf, x, params, "_rating"), bias, retrieval, prior, idEmbedding, vector);
        }
        retrieval = dense(tf, x, params, "_retrieval");
        return new Output(dense(tf, x, params, "_rating"), bias, retrieval, prior, idEmbedding, null);
    }

    /** The weighted mean of the history's item embeddings, {@code [batch, embeddingSize]} (zero if empty). */
    private Operand<TFloat32> historyBag(Ops tf, Operand<TFloat32> rows, Map<String, Variable<TFloat32>> params,
            Operand<TInt32> leaveOut, Operand<TFloat32> keep) {
        Operand<TInt32> items = tf.dtypes.cast(tf.slice(rows, tf.constant(new int[] {0, sideWidth()}),
                tf.constant(new int[] {-1, historyLength})), TInt32.class);
        Operand<TFloat32> weights = tf.slice(rows, tf.constant(new int[] {0, sideWidth() + historyLength}),
                tf.constant(new int[] {-1, historyLength}));
        if (leaveOut != null) {
            Operand<TFloat32> other = tf.dtypes.cast(tf.math.notEqual(items,
                    tf.reshape(leaveOut, tf.constant(new int[] {-1, 1}))), TFloat32.class);
            weights = tf.math.mul(weights, other);
        }
        if (keep != null) {
            weights = tf.math.mul(weights, keep);
        }
        Operand<TFloat32> vectors = tf.gather(params.get(ITEM_EMBEDDING), items, tf.constant(0));
        Operand<TFloat32> sum = tf.sum(tf.math.mul(vectors, tf.expandDims(weights, tf.constant(2))), tf.constant(1));
        Operand<TFloat32> total = tf.math.maximum(tf.sum(weights, tf.constant(1), org.tensorflow.op.core.Sum.keepDims(true)),
                tf.constant(1e-6f));
        return tf.math.div(sum, total);
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
     * @param retrievalEmbedding the history bag or shared-table embedding the retrieval head starts from, or null
     */
    record Output(Operand<TFloat32> rating, Operand<TFloat32> bias, Operand<TFloat32> retrieval,
            Operand<TFloat32> prior, Operand<TFloat32> idEmbedding, Operand<TFloat32> retrievalEmbedding) {}
}
