package io.recommender.training.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The exponential moving average of some variables over the training steps (Polyak averaging), which is what a
 * head is evaluated and kept as: a validation curve of the raw parameters jumps from epoch to epoch, and the best
 * epoch of a jumpy curve is partly luck. The average starts at zero and is divided by {@code 1 - decay^steps} (as
 * Adam debiases its moments), so that a short run is not dominated by the initial values. Decay 0 gives the last
 * step's values.
 */
final class MovingAverage {
    private final float decay;
    private final Placeholder<TFloat32> correction;
    private final Map<String, Operand<TFloat32>> averaged = new LinkedHashMap<>();
    private final Op update;
    private long steps;

    MovingAverage(Ops tf, Map<String, Variable<TFloat32>> variables, Collection<String> names, float decay,
            String name) {
        this.decay = decay;
        this.correction = tf.withName(name + "_average_correction").placeholder(TFloat32.class);
        List<Op> updates = new ArrayList<>();
        for (String n : names) {
            Variable<TFloat32> variable = variables.get(n);
            Variable<TFloat32> average = tf.withName(n + "_average")
                    .variable(tf.fill(tf.shape(variable), tf.constant(0f)));
            updates.add(tf.assign(average, tf.math.add(tf.math.mul(average, tf.constant(decay)),
                    tf.math.mul(variable, tf.constant(1 - decay)))));
            averaged.put(n, tf.math.mul(average, correction));
        }
        this.update = tf.withControlDependencies(updates).withName(name + "_average_update").noOp();
    }

    /** The debiased averages by variable name; a run that reads them feeds {@link #feed}. */
    Map<String, Operand<TFloat32>> values() {
        return averaged;
    }

    /** Folds the variables' current values into the average: call after each training step. */
    void step(Session session) {
        session.runner().addTarget(update).run().close();
        steps++;
    }

    /** Feeds the debiasing factor to a run that reads {@link #values}; the tensor is the caller's to close. */
    TFloat32 feed(Session.Runner runner) {
        TFloat32 t = TFloat32.scalarOf((float) (1 / (1 - Math.pow(decay, steps))));
        runner.feed(correction, t);
        return t;
    }
}
