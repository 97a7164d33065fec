package io.recommender.training.model;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Copies between Java arrays and tensors. */
final class Tensors {
    private Tensors() {}

    static float[] toArray(TFloat32 t) {
        float[] out = new float[Math.toIntExact(t.size())];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    static TFloat32 matrix(float[] values, int rows, int cols) {
        return TFloat32.tensorOf(Shape.of(rows, cols), DataBuffers.of(values, true, false));
    }

    static TFloat32 vector(float[] values) {
        return TFloat32.tensorOf(Shape.of(values.length), DataBuffers.of(values, true, false));
    }

    static TInt32 vector(int[] values) {
        return TInt32.tensorOf(Shape.of(values.length), DataBuffers.of(values, true, false));
    }
}
