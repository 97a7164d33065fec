package io.recommender.training.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One Adam step (Kingma and Ba), built so that a seed reproduces a run exactly.
 *
 * <p>Why not {@code org.tensorflow.framework.optimizers.Adam}: in tensorflow-framework 1.1.0 its
 * {@code finish} updates the beta powers with no dependency on the variable updates that read them, so
 * some variables of a step see {@code beta^t} and others {@code beta^(t+1)}, depending on thread timing.
 * Here every variable update waits for the loss and all gradients (the variables are updated in place, so
 * an early update could also race with an op still reading the old value), and the beta powers advance
 * only after every update. The update itself is TensorFlow's own {@code ApplyAdam} kernel; the gradients
 * come from {@link Graph#addGradients}, for the given variables only.
 */
final class AdamUpdate {
    static final float BETA_ONE = 0.9f;
    static final float BETA_TWO = 0.999f;
    static final float EPSILON = 1e-7f;

    private AdamUpdate() {}

    /**
     * Builds the training step of {@code variables} (the parameters one head trains), its Adam state named after
     * {@code name}, so that each head of the model has a step, learning rate and state of its own.
     */
    @SuppressWarnings("unchecked")
    static Op minimize(Graph graph, Ops tf, Operand<TFloat32> loss, float learningRate,
            Collection<Variable<TFloat32>> variables, String name) {
        Output<?>[] xs = variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
        Output<?>[] dxs = graph.addGradients(loss.asOutput(), xs);
        List<Op> computed = new ArrayList<>();
        computed.add(tf.identity(loss));
        for (Output<?> g : dxs) {
            computed.add(tf.identity((Output<TFloat32>) g));
        }
        Ops afterGradients = tf.withControlDependencies(computed);
        Variable<TFloat32> betaOnePower = tf.withName(name + "_adam_beta1_power").variable(tf.constant(BETA_ONE));
        Variable<TFloat32> betaTwoPower = tf.withName(name + "_adam_beta2_power").variable(tf.constant(BETA_TWO));
        List<Op> updates = new ArrayList<>();
        int k = 0;
        for (Variable<TFloat32> variable : variables) {
            Output<TFloat32> gradient = (Output<TFloat32>) dxs[k++];
            String variableName = variable.op().name();
            Operand<TFloat32> zeros = tf.fill(tf.shape(variable), tf.constant(0f));
            Variable<TFloat32> m = tf.withName(variableName + "_adam_m").variable(zeros);
            Variable<TFloat32> v = tf.withName(variableName + "_adam_v").variable(zeros);
            updates.add(afterGradients.train.applyAdam(variable, m, v, betaOnePower, betaTwoPower,
                    tf.constant(learningRate), tf.constant(BETA_ONE), tf.constant(BETA_TWO), tf.constant(EPSILON),
                    afterGradients.identity(gradient)));
        }
        Ops afterUpdates = tf.withControlDependencies(updates);
        List<Op> powers = List.of(
                afterUpdates.assign(betaOnePower, tf.math.mul(betaOnePower, tf.constant(BETA_ONE))),
                afterUpdates.assign(betaTwoPower, tf.math.mul(betaTwoPower, tf.constant(BETA_TWO))));
        return tf.withControlDependencies(powers).withName(name + "_adam_step").noOp();
    }
}
