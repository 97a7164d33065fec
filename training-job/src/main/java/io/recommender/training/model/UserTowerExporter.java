package io.recommender.training.model;

import io.recommender.bundle.BundleLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
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
 * Exports the user tower as a SavedModel that TensorFlow Serving serves: signature {@code serving_default}
 * (method {@code tensorflow/serving/predict}) from {@code features} [batch, input width] to
 * {@code embedding} [batch, embedding size + 1], the augmented retrieval user vector of {@link TrainedModel}.
 */
public final class UserTowerExporter {
    private UserTowerExporter() {}

    public static void export(TrainedModel model, Path savedModelDir) {
        TrainedModel.TowerShape shape = model.userTowerShape();
        RetrievalTowers towers = shape.towers();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Parameters params = new Parameters(tf, towers.userShapes());
            Placeholder<TFloat32> features = tf.withName(BundleLayout.SIGNATURE_INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, shape.inputWidth())));
            Operand<TFloat32> user = towers.user(tf, features, params.variables(), null);
            Operand<TFloat32> one = tf.onesLike(tf.slice(user, tf.constant(new int[] {0, 0}),
                    tf.constant(new int[] {-1, 1})));
            Operand<TFloat32> embedding = tf.withName(BundleLayout.SIGNATURE_OUTPUT)
                    .concat(List.of(user, one), tf.constant(1));
            try (Session session = new Session(graph)) {
                params.load(session, model.userTowerParameters());
                SavedModelBundle.exporter(savedModelDir.toString())
                        .withSession(session)
                        .withSignature(Signature.builder()
                                .key(BundleLayout.SIGNATURE)
                                .methodName("tensorflow/serving/predict")
                                .input(BundleLayout.SIGNATURE_INPUT, features)
                                .output(BundleLayout.SIGNATURE_OUTPUT, embedding)
                                .build())
                        .export();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SavedModel to " + savedModelDir, e);
        }
    }
}
