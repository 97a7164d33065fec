package io.recommender.runtime.bench;

import io.recommender.runtime.retrieval.Kernels;
import io.recommender.runtime.retrieval.TopKKernel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-10 with the seen-item filter over 9,742 items (ml-latest-small's catalogue), SIMD and scalar kernels
 * side by side in one run. Each call takes the next of 64 random users, each with 165 excluded rows (the
 * mean number of movies a ml-latest-small user rated). Run with bench/kernel-bench.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
public class TopKBenchmark {
    static final int USERS = 64;
    static final int SEEN = 165;

    @Param({"vector", "scalar"})
    String kernel;

    @Param({"9742"})
    int items;

    @Param({"32", "33"})
    int dimension;

    @Param({"10"})
    int k;

    TopKKernel topK;
    float[][] users;
    int[][] excluded;
    int[] rows;
    float[] scores;
    int next;

    @Setup
    public void setUp() {
        Random r = new Random(9742);
        float[] matrix = new float[items * dimension];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) r.nextGaussian();
        }
        topK = Kernels.create(kernel.equals("vector") ? Kernels.Choice.VECTOR : Kernels.Choice.SCALAR, matrix, items,
                dimension);
        users = new float[USERS][dimension];
        excluded = new int[USERS][];
        for (int u = 0; u < USERS; u++) {
            for (int j = 0; j < dimension; j++) {
                users[u][j] = (float) r.nextGaussian();
            }
            excluded[u] = r.ints(SEEN * 2L, 0, items).distinct().limit(SEEN).sorted().toArray();
        }
        rows = new int[k];
        scores = new float[k];
    }

    @Benchmark
    public int topK() {
        int u = next;
        next = (u + 1) % USERS;
        return topK.topK(users[u], k, excluded[u], rows, scores);
    }
}
