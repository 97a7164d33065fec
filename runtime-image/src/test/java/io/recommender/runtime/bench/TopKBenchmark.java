package io.recommender.runtime.bench;

import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.model.LoadedModel;
import io.recommender.runtime.retrieval.Kernels;
import io.recommender.runtime.retrieval.TopKKernel;
import io.recommender.runtime.retrieval.VectorKernel;
import io.recommender.savedmodel.SavedModelRunner;
import java.nio.file.Path;
import java.util.Locale;
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
 * side by side in one run. Each call takes the next of 64 users in turn.
 *
 * <p>{@code data=gaussian}: random Gaussian items and users, each user with 165 excluded rows (the mean number of
 * movies a ml-latest-small user rated); all items have about the same norm, so the vector kernel reads them all.
 * {@code data=bundle}: a trained model's items and 64 of its users (spread over its user list), their embeddings
 * from the bundle's own user tower and their own seen rows; {@code items} and {@code dimension} are then the
 * bundle's. The bundle is {@code -Dbench.bundle=DIR}, by default the one the runtime tests train. Run with
 * bench/kernel-bench.sh.
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

    @Param({"gaussian"})
    String data;

    TopKKernel topK;
    float[][] users;
    int[][] excluded;
    int[] rows;
    float[] scores;
    int next;

    @Setup
    public void setUp() {
        if (data.equals("bundle")) {
            fromBundle(Path.of(System.getProperty("bench.bundle", "runtime-image/target/real-bundle/ml-latest-small")));
        } else {
            gaussian();
        }
        rows = new int[k];
        scores = new float[k];
        if (topK instanceof VectorKernel v) {
            long read = 0;
            for (int u = 0; u < USERS; u++) {
                read += v.groupsRead(users[u], k, excluded[u]);
            }
            System.out.printf("%n%s: the vector kernel reads %.1f %% of its %d groups on average%n", data,
                    100.0 * read / USERS / v.groups(), v.groups());
        }
    }

    private void fromBundle(Path dir) {
        ModelBundle bundle = ModelBundle.open(dir);
        LoadedModel model = LoadedModel.from(bundle, Kernels.Choice.SCALAR, 0);
        Manifest.Embedding embedding = bundle.manifest().embedding();
        items = model.itemCount();
        dimension = embedding.dimension();
        topK = Kernels.create(Kernels.Choice.valueOf(kernel.toUpperCase(Locale.ROOT)), bundle.items().values(), items,
                dimension);
        users = new float[USERS][dimension];
        excluded = new int[USERS][];
        try (SavedModelRunner tower = SavedModelRunner.load(bundle.savedModelDir(), embedding.signature(), 1)) {
            for (int u = 0; u < USERS; u++) {
                int user = (int) ((long) u * model.userCount() / USERS);
                tower.runOne(model.userInput(user), users[u]);
                excluded[u] = model.seenRows(user);
            }
        }
    }

    private void gaussian() {
        Random r = new Random(9742);
        float[] matrix = new float[items * dimension];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) r.nextGaussian();
        }
        topK = Kernels.create(Kernels.Choice.valueOf(kernel.toUpperCase(Locale.ROOT)), matrix, items, dimension);
        users = new float[USERS][dimension];
        excluded = new int[USERS][];
        for (int u = 0; u < USERS; u++) {
            for (int j = 0; j < dimension; j++) {
                users[u][j] = (float) r.nextGaussian();
            }
            excluded[u] = r.ints(SEEN * 2L, 0, items).distinct().limit(SEEN).sorted().toArray();
        }
    }

    @Benchmark
    public int topK() {
        int u = next;
        next = (u + 1) % USERS;
        return topK.topK(users[u], k, excluded[u], rows, scores);
    }
}
