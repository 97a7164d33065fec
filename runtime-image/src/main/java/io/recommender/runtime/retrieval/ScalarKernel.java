package io.recommender.runtime.retrieval;

/**
 * Plain Java top-K over a row-major item matrix, one dot product per item: the fallback where the Vector
 * API module is absent, and the baseline the SIMD kernel is measured against.
 */
public final class ScalarKernel implements TopKKernel {
    private final float[] items;
    private final int n;
    private final int d;

    /** @param items row-major {@code n x d} values (copied) */
    public ScalarKernel(float[] items, int n, int d) {
        if ((long) n * d != items.length) {
            throw new IllegalArgumentException(items.length + " values are not " + n + " x " + d);
        }
        this.items = items.clone();
        this.n = n;
        this.d = d;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int items() {
        return n;
    }

    @Override
    public int dimension() {
        return d;
    }

    @Override
    public int topK(float[] user, int k, int[] excluded, int[] rows, float[] scores) {
        Kernels.checkArguments(user, d, k, rows, scores);
        int size = 0;
        float threshold = Float.NEGATIVE_INFINITY;
        for (int row = 0, offset = 0; row < n; row++, offset += d) {
            float s = 0;
            for (int j = 0; j < d; j++) {
                s += user[j] * items[offset + j];
            }
            if (s > threshold && !TopK.isExcluded(excluded, row)) {
                size = TopK.offer(scores, rows, size, k, s, row);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        TopK.sortDescending(scores, rows, size);
        return size;
    }
}
