package io.recommender.runtime.retrieval;

import java.util.stream.IntStream;
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
 * is looked at item by item only when one of its scores reaches the current K-th best, which after the first
 * few groups is rare. The last group is padded with zero items, never reported.
 *
 * <p>Items are laid out by decreasing vector norm, and the scan stops at the first group whose largest norm
 * times the user's norm is below the current K-th best score: by Cauchy-Schwarz (with an allowance for float
 * rounding) no item from there on can enter the answer. A trained model's item norms are long-tailed (popular
 * items long, rare ones short), so most requests read a fraction of the matrix; the scan is memory-bound, so
 * that fraction is most of its cost. Scores are the same fused multiply-adds in the same order whatever the
 * layout, and equal scores are ranked by row, so the answer does not depend on the order of the scan.
 */
public final class VectorKernel implements TopKKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int GROUP = 4 * L;

    /** Allowance for float rounding in a d-term dot product, per term: four units of 2^-24, generous. */
    private static final double ROUNDING = Math.scalb(1.0, -22);

    private final float[] groups;
    /** The item row at each position of the norm-ordered layout. */
    private final int[] rowAt;
    /** Per group, an upper bound of its items' norms (the first one's, rounded up with the rounding allowance). */
    private final double[] groupNorm;
    private final int n;
    private final int d;
    private final int groupCount;
    /** One block's scores, per thread: reading lanes from an array is far cheaper than {@code lane(i)}. */
    private final ThreadLocal<float[]> blockScores = ThreadLocal.withInitial(() -> new float[L]);

    /** @param items row-major {@code n x d} values, re-laid into groups of blocks */
    public VectorKernel(float[] items, int n, int d) {
        if ((long) n * d != items.length) {
            throw new IllegalArgumentException(items.length + " values are not " + n + " x " + d);
        }
        this.n = n;
        this.d = d;
        this.groupCount = (n + GROUP - 1) / GROUP;
        this.groups = new float[groupCount * d * GROUP];
        double[] norms = new double[n];
        for (int row = 0; row < n; row++) {
            double squares = 0;
            for (int j = 0; j < d; j++) {
                squares += (double) items[row * d + j] * items[row * d + j];
            }
            norms[row] = Math.sqrt(squares);
        }
        this.rowAt = IntStream.range(0, n).boxed()
                .sorted((a, b) -> norms[a] != norms[b] ? Double.compare(norms[b], norms[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        this.groupNorm = new double[groupCount];
        for (int position = 0; position < n; position++) {
            int row = rowAt[position];
            int base = (position / GROUP) * d * GROUP + position % GROUP;
            for (int j = 0; j < d; j++) {
                groups[base + j * GROUP] = items[row * d + j];
            }
            if (position % GROUP == 0) {
                // NaN norms sort first and make the bound NaN, which never prunes.
                groupNorm[position / GROUP] = norms[row] * (1 + (d + 2) * ROUNDING);
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
        return (int) search(user, k, excluded, rows, scores);
    }

    /** How many of the {@link #groups()} a search reads before it can stop: for tests and benchmarks. */
    public int groupsRead(float[] user, int k, int[] excluded) {
        return (int) (search(user, k, excluded, new int[k], new float[k]) >>> 32);
    }

    /** Groups of 4 vector lengths of items in the layout. */
    public int groups() {
        return groupCount;
    }

    /** The answer's size in the low 32 bits, the number of groups read in the high ones. */
    private long search(float[] user, int k, int[] excluded, int[] rows, float[] scores) {
        Kernels.checkArguments(user, d, k, rows, scores);
        double squares = 0;
        for (float v : user) {
            squares += (double) v * v;
        }
        double userNorm = Math.sqrt(squares) * (1 + ROUNDING);
        float[] block = blockScores.get();
        int size = 0;
        float threshold = Float.NEGATIVE_INFINITY;
        int g = 0;
        for (; g < groupCount; g++) {
            if (userNorm * groupNorm[g] < threshold) {
                break;
            }
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
            if (a0.compare(VectorOperators.GE, threshold).anyTrue()) {
                a0.intoArray(block, 0);
                size = collect(block, first, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a1.compare(VectorOperators.GE, threshold).anyTrue()) {
                a1.intoArray(block, 0);
                size = collect(block, first + L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a2.compare(VectorOperators.GE, threshold).anyTrue()) {
                a2.intoArray(block, 0);
                size = collect(block, first + 2 * L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
            if (a3.compare(VectorOperators.GE, threshold).anyTrue()) {
                a3.intoArray(block, 0);
                size = collect(block, first + 3 * L, threshold, excluded, k, rows, scores, size);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        TopK.sortDescending(scores, rows, size);
        return (long) g << 32 | size;
    }

    /**
     * Offers the block's lanes one by one (stored by the caller: a vector passed to a method that is not inlined
     * is allocated): rare, so plain code; skips padding lanes and excluded rows. A score
     * equal to the threshold is offered too: positions are not in row order, and {@link TopK#offer} ranks ties.
     */
    private int collect(float[] block, int first, float threshold, int[] excluded, int k, int[] rows,
            float[] scores, int size) {
        int lanes = Math.min(L, n - first);
        for (int lane = 0; lane < lanes; lane++) {
            float s = block[lane];
            int row = rowAt[first + lane];
            if (s >= threshold && !TopK.isExcluded(excluded, row)) {
                size = TopK.offer(scores, rows, size, k, s, row);
                threshold = TopK.threshold(scores, size, k);
            }
        }
        return size;
    }
}
