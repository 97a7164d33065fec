package io.recommender.runtime.retrieval;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD top-K with the Vector API. Items are stored in blocks of {@code L} (the vector length: 16 floats with
 * AVX-512, 8 with AVX2), and blocks in groups of four, dimension-major inside a group: for each dimension the
 * group holds 4 x L consecutive floats (that dimension of its 4L items). Scoring a group is then {@code d}
 * steps of four fused multiply-adds of a broadcast user value with four adjacent vectors: L scores per block
 * with no horizontal sums, four independent FMA chains to hide the FMA latency, and one sequential stream
 * through memory (separate per-block streams a power of two apart alias in the L1 cache when d = 32). A block
 * is looked at item by item only when one of its scores beats the current K-th best, which after the first
 * few groups is rare. The last group is padded with zero items, never reported.
 */
public final class VectorKernel implements TopKKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int GROUP = 4 * L;

    private final float[] groups;
    private final int n;
    private final int d;
    private final int groupCount;

    /** @param items row-major {@code n x d} values, re-laid into groups of blocks */
    public VectorKernel(float[] items, int n, int d) {
        if ((long) n * d != items.length) {
            throw new IllegalArgumentException(items.length + " values are not " + n + " x " + d);
        }
        this.n = n;
        this.d = d;
        this.groupCount = (n + GROUP - 1) / GROUP;
        this.groups = new float[groupCount * d * GROUP];
        for (int row = 0; row < n; row++) {
            int base = (row / GROUP) * d * GROUP + row % GROUP;
            for (int j = 0; j < d; j++) {
                groups[base + j * GROUP] = items[row * d + j];
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
        for (int g = 0; g < groupCount; g++) {
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int j = 0, o = g * d * GROUP; j < d; j++, o += GROUP) {
                FloatVector u = FloatVector.broadcast(SPECIES, user[j]);
                a0 = FloatVector.fromArray(SPECIES, groups, o).fma(u, a0);
                a1 = FloatVector.fromArray(SPECIES, groups, o + L).fma(u, a1);
                a2 = FloatVector.fromArray(SPECIES, groups, o + 2 * L).fma(u, a2);
                a3 = FloatVector.fromArray(SPECIES, groups, o + 3 * L).fma(u, a3);
            }
            int first = g * GROUP;
            if (a0.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a0, first, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a1.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a1, first + L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a2.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a2, first + 2 * L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a3.compare(VectorOperators.GT, threshold).anyTrue()) {
                size = collect(a3, first + 3 * L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        TopK.sortDescending(scores, rows, size);
        return size;
    }

    /** Offers the block's lanes one by one: rare, so plain code; skips padding lanes and excluded rows. */
    private int collect(FloatVector block, int first, float threshold, int[] excluded, int k, int[] rows,
            float[] scores, int size) {
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
