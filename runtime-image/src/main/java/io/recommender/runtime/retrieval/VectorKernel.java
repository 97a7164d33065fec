package io.recommender.runtime.retrieval;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD top-K with the Vector API. Items are stored in blocks of {@code L} (the vector length: 16 floats with
 * AVX-512, 8 with AVX2): block {@code b} holds dimension 0 of its L items, then dimension 1, and so on. Scoring
 * a block is then {@code d} fused multiply-adds of a broadcast user value with one contiguous vector, giving L
 * scores at once with no horizontal sums; four blocks are scored together so that four independent FMA
 * chains hide the FMA latency. A block is looked at item by item only when one of its scores beats the
 * current K-th best, which after the first few blocks is rare.
 */
public final class VectorKernel implements TopKKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private final float[] blocks;
    private final int n;
    private final int d;
    private final int blockCount;

    /** @param items row-major {@code n x d} values, re-laid into blocks (the last one padded with zeros) */
    public VectorKernel(float[] items, int n, int d) {
        if ((long) n * d != items.length) {
            throw new IllegalArgumentException(items.length + " values are not " + n + " x " + d);
        }
        this.n = n;
        this.d = d;
        this.blockCount = (n + L - 1) / L;
        this.blocks = new float[blockCount * d * L];
        for (int row = 0; row < n; row++) {
            int base = (row / L) * d * L + row % L;
            for (int j = 0; j < d; j++) {
                blocks[base + j * L] = items[row * d + j];
            }
        }
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
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
        int stride = d * L;
        int b = 0;
        for (; b + 4 <= blockCount; b += 4) {
            int o0 = b * stride;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int j = 0, o = o0; j < d; j++, o += L) {
                FloatVector u = FloatVector.broadcast(SPECIES, user[j]);
                a0 = FloatVector.fromArray(SPECIES, blocks, o).fma(u, a0);
                a1 = FloatVector.fromArray(SPECIES, blocks, o + stride).fma(u, a1);
                a2 = FloatVector.fromArray(SPECIES, blocks, o + 2 * stride).fma(u, a2);
                a3 = FloatVector.fromArray(SPECIES, blocks, o + 3 * stride).fma(u, a3);
            }
            if (a0.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a0, b, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a1.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a1, b + 1, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a2.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a2, b + 2, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a3.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a3, b + 3, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        for (; b < blockCount; b++) {
            FloatVector a = FloatVector.zero(SPECIES);
            for (int j = 0, o = b * stride; j < d; j++, o += L) {
                a = FloatVector.fromArray(SPECIES, blocks, o).fma(FloatVector.broadcast(SPECIES, user[j]), a);
            }
            if (a.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a, b, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        TopK.sortDescending(scores, rows, size);
        return size;
    }

    /** Offers the block's lanes one by one: rare, so plain code; skips padding lanes and excluded rows. */
    private int collect(FloatVector block, int b, float threshold, int[] excluded, int k, int[] rows, float[] scores,
            int size) {
        int first = b * L;
        int lanes = Math.min(L, n - first);
        for (int lane = 0; lane < lanes; lane++) {
            float s = block.lane(lane);
            if (s > threshold && !TopK.isExcluded(excluded, first + lane)) {
                size = TopK.offer(scores, rows, size, k, s, first + lane);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        return size;
    }
}
