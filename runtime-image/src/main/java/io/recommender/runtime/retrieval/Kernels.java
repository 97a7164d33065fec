package io.recommender.runtime.retrieval;

import java.lang.reflect.InvocationTargetException;

/** Picks the top-K kernel: the Vector API one where {@code jdk.incubator.vector} is present, else scalar. */
public final class Kernels {
    /** Which kernel to use; {@code AUTO} prefers the vector one when the JVM has the module. */
    public enum Choice { AUTO, VECTOR, SCALAR }

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private Kernels() {}

    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** @param items row-major {@code n x d} item embeddings */
    public static TopKKernel create(Choice choice, boolean vectorAvailable, float[] items, int n, int d) {
        boolean vector = switch (choice) {
            case AUTO -> vectorAvailable;
            case SCALAR -> false;
            case VECTOR -> {
                if (!vectorAvailable) {
                    throw new IllegalStateException("the vector kernel needs the JVM flag --add-modules="
                            + VECTOR_MODULE);
                }
                yield true;
            }
        };
        return vector ? vectorKernel(items, n, d) : new ScalarKernel(items, n, d);
    }

    public static TopKKernel create(Choice choice, float[] items, int n, int d) {
        return create(choice, vectorApiAvailable(), items, n, d);
    }

    /** Reflective, so this class links on JVMs without the incubator module. */
    private static TopKKernel vectorKernel(float[] items, int n, int d) {
        try {
            return (TopKKernel) Class.forName("io.recommender.runtime.retrieval.VectorKernel")
                    .getConstructor(float[].class, int.class, int.class)
                    .newInstance(items, n, d);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the vector kernel", e);
        }
    }

    static void checkArguments(float[] user, int d, int k, int[] rows, float[] scores) {
        if (user.length != d) {
            throw new IllegalArgumentException("user embedding has " + user.length + " values, items have " + d);
        }
        if (k < 1 || rows.length < k || scores.length < k) {
            throw new IllegalArgumentException("k must be >= 1 and fit the output arrays, got " + k);
        }
    }
}
