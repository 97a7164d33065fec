package io.recommender.training.model;

import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Every item's score for a chunk of users, as one matrix product in TensorFlow (its own threads, the GPU when the
 * device says so): evaluation over all items is users x items x dimension multiply-adds, about 2 x 10^12 at ml-25m
 * size, which a dot product per user and item in Java would take most of an hour for.
 */
public final class ScoreMatrix implements Function<int[], float[]>, AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TInt32> users;
    private final Operand<TFloat32> scores;

    /** Row-major vectors of {@code dimension} floats: users and items. */
    public ScoreMatrix(float[] userVectors, float[] itemVectors, int dimension) {
        Ops tf = Ops.create(graph);
        Operand<TFloat32> u = tf.constant(Shape.of(userVectors.length / dimension, dimension),
                DataBuffers.of(userVectors, true, false));
        Operand<TFloat32> i = tf.constant(Shape.of(itemVectors.length / dimension, dimension),
                DataBuffers.of(itemVectors, true, false));
        users = tf.placeholder(TInt32.class);
        scores = tf.linalg.matMul(tf.gather(u, users, tf.constant(0)), i, org.tensorflow.op.linalg.MatMul.transposeB(true));
        session = new Session(graph);
    }

    /** Scores of every item for each of {@code chunk}'s users: {@code [chunk.length, items]}, row-major. */
    @Override
    public float[] apply(int[] chunk) {
        try (TInt32 t = Tensors.vector(chunk); Result r = session.runner().feed(users, t).fetch(scores).run()) {
            return Tensors.toArray((TFloat32) r.get(0));
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
