package io.recommender.training.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model's variables, each paired with a placeholder-fed assign op, so values computed in Java (seeded
 * initial values, the best snapshot) can be loaded into any graph that has the same parameters.
 */
final class Parameters {
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    private final Map<String, Assign<TFloat32>> assigns = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    Parameters(Ops tf, Map<String, long[]> shapesByName) {
        shapesByName.forEach((name, dims) -> {
            Shape shape = Shape.of(dims);
            Variable<TFloat32> v = tf.withName(name).variable(shape, TFloat32.class);
            Placeholder<TFloat32> p = tf.withName(name + "_value")
                    .placeholder(TFloat32.class, Placeholder.shape(shape));
            variables.put(name, v);
            feeds.put(name, p);
            assigns.put(name, tf.withName(name + "_load").assign(v, p));
            shapes.put(name, dims);
        });
    }

    Map<String, Variable<TFloat32>> variables() {
        return variables;
    }

    void load(Session session, Map<String, float[]> values) {
        Session.Runner runner = session.runner();
        Map<String, TFloat32> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Assign<TFloat32>> e : assigns.entrySet()) {
                float[] v = values.get(e.getKey());
                if (v == null) {
                    throw new IllegalArgumentException("no value for parameter " + e.getKey());
                }
                TFloat32 t = TFloat32.tensorOf(Shape.of(shapes.get(e.getKey())), DataBuffers.of(v, true, false));
                tensors.put(e.getKey(), t);
                runner.feed(feeds.get(e.getKey()), t).addTarget(e.getValue());
            }
            runner.run().close();
        } finally {
            tensors.values().forEach(TFloat32::close);
        }
    }
}
