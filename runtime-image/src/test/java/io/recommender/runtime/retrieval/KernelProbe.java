package io.recommender.runtime.retrieval;

/** Prints the kernel {@code AUTO} picks in this JVM; run in a child JVM by {@link ScalarFallbackTest}. */
public final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        System.out.println(Kernels.create(Kernels.Choice.AUTO, new float[] {1, 2}, 1, 2).name());
    }
}
