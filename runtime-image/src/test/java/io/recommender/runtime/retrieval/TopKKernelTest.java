package io.recommender.runtime.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both kernels against a brute-force reference (double precision, full sort) on random data. */
class TopKKernelTest {
    static final double TOLERANCE = 1e-4;

    static List<Arguments> shapes() {
        // Item counts around the vector length and the 4-block unroll, odd dimensions, k edge cases.
        return List.of(
                Arguments.of(1, 1, 1), Arguments.of(7, 3, 10), Arguments.of(16, 32, 5), Arguments.of(63, 34, 10),
                Arguments.of(64, 8, 64), Arguments.of(65, 33, 100), Arguments.of(1000, 32, 10),
                Arguments.of(9742, 32, 10), Arguments.of(9742, 34, 100), Arguments.of(333, 1, 17));
    }

    static List<TopKKernel> kernels(float[] items, int n, int d) {
        return List.of(new ScalarKernel(items, n, d), new VectorKernel(items, n, d));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesBruteForce(int n, int d, int k) {
        Random r = new Random(31L * n + d);
        float[] items = gaussian(r, n * d);
        for (TopKKernel kernel : kernels(items, n, d)) {
            for (int trial = 0; trial < 5; trial++) {
                float[] user = gaussian(r, d);
                int[] excluded = r.ints(r.nextInt(n / 2 + 1), 0, n).distinct().sorted().toArray();
                assertTopK(kernel, items, d, user, k, excluded);
            }
            assertTopK(kernel, items, d, gaussian(r, d), k, new int[0]);
        }
    }

    /**
     * Item norms spread over two orders of magnitude, as a trained model's are (popular items long, rare ones
     * short), so that the vector kernel stops early; same checks against brute force.
     */
    @ParameterizedTest
    @MethodSource("shapes")
    void matchesBruteForceWhenItemNormsAreLongTailed(int n, int d, int k) {
        Random r = new Random(17L * n + d);
        float[] items = longTailed(r, n, d);
        for (TopKKernel kernel : kernels(items, n, d)) {
            for (int trial = 0; trial < 5; trial++) {
                int[] excluded = r.ints(r.nextInt(n / 2 + 1), 0, n).distinct().sorted().toArray();
                assertTopK(kernel, items, d, gaussian(r, d), k, excluded);
            }
            assertTopK(kernel, items, d, gaussian(r, d), k, new int[0]);
        }
    }

    @Test
    void theVectorKernelReadsOnlyTheItemsThatCanStillEnterTheAnswer() {
        int n = 9742;
        int d = 201;
        Random r = new Random(3);
        VectorKernel longTailed = new VectorKernel(longTailed(r, n, d), n, d);
        VectorKernel equalNorms = new VectorKernel(gaussian(r, n * d), n, d);
        int read = 0;
        int readEqual = 0;
        for (int trial = 0; trial < 20; trial++) {
            float[] user = gaussian(r, d);
            read += longTailed.groupsRead(user, 10, new int[0]);
            readEqual += equalNorms.groupsRead(user, 10, new int[0]);
        }
        assertThat(read).as("groups read of 20 x " + longTailed.groups()).isLessThan(20 * longTailed.groups() / 2);
        // Gaussian items all have about the same norm: nothing to skip, so everything is read.
        assertThat(readEqual).isEqualTo(20 * equalNorms.groups());
    }

    /** The answer's scores are the kernel's fused multiply-adds from dimension 0, bit for bit, whatever the layout. */
    @Test
    void scoresAreFusedMultiplyAddsInDimensionOrder() {
        int n = 3000;
        int d = 67;
        Random r = new Random(11);
        float[] items = longTailed(r, n, d);
        for (TopKKernel kernel : List.of(new VectorKernel(items, n, d))) {
            for (int trial = 0; trial < 10; trial++) {
                float[] user = gaussian(r, d);
                int[] rows = new int[50];
                float[] scores = new float[50];
                int count = kernel.topK(user, 50, new int[0], rows, scores);
                for (int i = 0; i < count; i++) {
                    float fma = 0;
                    for (int j = 0; j < d; j++) {
                        fma = Math.fma(items[rows[i] * d + j], user[j], fma);
                    }
                    assertThat(scores[i]).as("row " + rows[i]).isEqualTo(fma);
                }
            }
        }
    }

    @Test
    void answersFewerWhenFewItemsRemain() {
        int n = 20;
        int d = 4;
        float[] items = gaussian(new Random(5), n * d);
        int[] excluded = IntStream.range(0, 17).toArray();
        for (TopKKernel kernel : kernels(items, n, d)) {
            int[] rows = new int[10];
            float[] scores = new float[10];
            int count = kernel.topK(new float[] {1, 1, 1, 1}, 10, excluded, rows, scores);
            assertThat(count).as(kernel.name()).isEqualTo(3);
            assertThat(Arrays.copyOf(rows, count)).containsExactlyInAnyOrder(17, 18, 19);
            int all = kernel.topK(new float[] {1, 1, 1, 1}, 10, IntStream.range(0, n).toArray(), rows, scores);
            assertThat(all).isZero();
        }
    }

    @Test
    void equalScoresComeInRowOrder() {
        int n = 50;
        int d = 3;
        float[] items = new float[n * d];
        for (int row = 0; row < n; row++) {
            items[row * d] = row % 5 == 0 ? 2 : 1;
        }
        for (TopKKernel kernel : kernels(items, n, d)) {
            int[] rows = new int[13];
            float[] scores = new float[13];
            int count = kernel.topK(new float[] {1, 0, 0}, 13, new int[] {10}, rows, scores);
            assertThat(count).isEqualTo(13);
            assertThat(rows).as(kernel.name()).containsExactly(0, 5, 15, 20, 25, 30, 35, 40, 45, 1, 2, 3, 4);
            assertThat(scores[0]).isEqualTo(2f);
            assertThat(scores[12]).isEqualTo(1f);
        }
    }

    @Test
    void theAnswerForKIsThePrefixOfTheAnswerForALargerK() {
        // 9,742 items that are copies of 487 distinct vectors: every score ties with ~19 others, so an answer
        // of 100 is a few groups of equal scores, ordered by row inside each.
        int n = 9742;
        int d = 33;
        Random r = new Random(77);
        float[] distinct = gaussian(r, 487 * d);
        float[] items = new float[n * d];
        for (int row = 0; row < n; row++) {
            System.arraycopy(distinct, (row % 487) * d, items, row * d, d);
        }
        for (TopKKernel kernel : kernels(items, n, d)) {
            for (int trial = 0; trial < 4; trial++) {
                float[] user = gaussian(r, d);
                int[] excluded = r.ints(r.nextInt(300), 0, n).distinct().sorted().toArray();
                int[] allRows = new int[100];
                float[] allScores = new float[100];
                assertThat(kernel.topK(user, 100, excluded, allRows, allScores)).isEqualTo(100);
                assertThat(allScores[10]).as("ties in the answer").isEqualTo(allScores[11]);
                assertThat(allScores[0]).as("several groups of ties").isGreaterThan(allScores[99]);
                for (int k = 1; k <= 100; k++) {
                    int[] rows = new int[k];
                    float[] scores = new float[k];
                    assertThat(kernel.topK(user, k, excluded, rows, scores)).isEqualTo(k);
                    assertThat(rows).as(kernel.name() + " k=" + k).containsExactly(Arrays.copyOf(allRows, k));
                    assertThat(scores).as(kernel.name() + " k=" + k).containsExactly(Arrays.copyOf(allScores, k));
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        float[] items = new float[12];
        for (TopKKernel kernel : kernels(items, 4, 3)) {
            assertThatThrownBy(() -> kernel.topK(new float[2], 1, new int[0], new int[1], new float[1]))
                    .hasMessageContaining("2 values");
            assertThatThrownBy(() -> kernel.topK(new float[3], 0, new int[0], new int[1], new float[1]))
                    .hasMessageContaining("k must be >= 1");
            assertThatThrownBy(() -> kernel.topK(new float[3], 5, new int[0], new int[1], new float[1]))
                    .hasMessageContaining("k must be >= 1");
        }
        assertThatThrownBy(() -> new VectorKernel(new float[5], 2, 3)).hasMessageContaining("not 2 x 3");
    }

    @Test
    void choiceFollowsTheModulesPresence() {
        float[] items = new float[6];
        assertThat(Kernels.vectorApiAvailable()).as("tests run with --add-modules jdk.incubator.vector").isTrue();
        assertThat(Kernels.create(Kernels.Choice.AUTO, true, items, 2, 3).name()).startsWith("vector-");
        assertThat(Kernels.create(Kernels.Choice.AUTO, false, items, 2, 3).name()).isEqualTo("scalar");
        assertThat(Kernels.create(Kernels.Choice.SCALAR, true, items, 2, 3).name()).isEqualTo("scalar");
        assertThatThrownBy(() -> Kernels.create(Kernels.Choice.VECTOR, false, items, 2, 3))
                .hasMessageContaining("--add-modules=jdk.incubator.vector");
    }

    private static void assertTopK(TopKKernel kernel, float[] items, int d, float[] user, int k, int[] excluded) {
        int n = items.length / d;
        double[] exact = new double[n];
        for (int row = 0; row < n; row++) {
            for (int j = 0; j < d; j++) {
                exact[row] += (double) user[j] * items[row * d + j];
            }
        }
        Integer[] reference = IntStream.range(0, n).filter(row -> Arrays.binarySearch(excluded, row) < 0).boxed()
                .sorted(Comparator.comparingDouble((Integer row) -> -exact[row])).toArray(Integer[]::new);
        int expectedCount = Math.min(k, reference.length);

        int[] rows = new int[k];
        float[] scores = new float[k];
        int count = kernel.topK(user, k, excluded, rows, scores);

        String what = kernel.name() + " n=" + n + " d=" + d + " k=" + k;
        assertThat(count).as(what).isEqualTo(expectedCount);
        assertThat(Arrays.stream(rows, 0, count).distinct().count()).as(what + " distinct").isEqualTo(count);
        for (int i = 0; i < count; i++) {
            assertThat(Arrays.binarySearch(excluded, rows[i])).as(what + " excluded row returned").isNegative();
            // Float rounding grows with the score's size: the tolerance is relative beyond 1.
            double tolerance = TOLERANCE * Math.max(1, Math.abs(exact[reference[i]]));
            assertThat((double) scores[i]).as(what + " score of row " + rows[i]).isCloseTo(exact[rows[i]],
                    within(tolerance));
            // Same rank as the reference up to float rounding: the i-th best exact score.
            assertThat(exact[rows[i]]).as(what + " rank " + i).isCloseTo(exact[reference[i]],
                    within(tolerance));
            if (i > 0) {
                assertThat(scores[i]).as(what + " order").isLessThanOrEqualTo(scores[i - 1]);
            }
        }
    }

    /** Gaussian rows, each scaled by e^(1.2 z): norms from about a tenth to ten times the median. */
    private static float[] longTailed(Random r, int n, int d) {
        float[] items = gaussian(r, n * d);
        for (int row = 0; row < n; row++) {
            float scale = (float) Math.exp(1.2 * r.nextGaussian());
            for (int j = 0; j < d; j++) {
                items[row * d + j] *= scale;
            }
        }
        return items;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
