package io.recommender.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import io.recommender.training.model.ScoreMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test ranking at scale (a matrix product a chunk of users at a time, rows ranked in parallel) gives what the
 * plain per-user scan gives, on ml-latest-small's split with seeded random vectors.
 */
class ChunkedRankingTest {
    static final int DIMENSION = 16;
    static Ratings ratings;
    static Evaluation eval;
    static float[] users;
    static float[] items;

    @BeforeAll
    static void data() throws IOException {
        ratings = MovieLensReader.read(Path.of("..", "data", "ml-latest-small"));
        eval = new Evaluation(ratings, Split.of(ratings, 0.2, 0.1, 42));
        SplittableRandom rnd = new SplittableRandom(7);
        users = gaussian(ratings.userCount() * DIMENSION, rnd);
        items = gaussian(ratings.itemCount() * DIMENSION, rnd);
    }

    static float[] gaussian(int n, SplittableRandom rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble()));
        }
        return v;
    }

    static float[] plainScores(int u) {
        float[] s = new float[ratings.itemCount()];
        for (int i = 0; i < s.length; i++) {
            float dot = 0;
            for (int d = 0; d < DIMENSION; d++) {
                dot += users[u * DIMENSION + d] * items[i * DIMENSION + d];
            }
            s[i] = dot;
        }
        return s;
    }

    @Test
    void aChunkOfUsersGetsEveryItemsScoreInRowOrder() {
        try (ScoreMatrix m = new ScoreMatrix(users, items, DIMENSION)) {
            int[] chunk = {5, 0, 609};
            float[] scores = m.apply(chunk);
            assertThat(scores).hasSize(chunk.length * ratings.itemCount());
            for (int r = 0; r < chunk.length; r++) {
                float[] expected = plainScores(chunk[r]);
                for (int i = 0; i < expected.length; i += 97) {
                    assertThat(scores[r * expected.length + i]).isCloseTo(expected[i], within(1e-4f));
                }
            }
        }
    }

    @Test
    void chunkedRankingEqualsThePerUserScanWhateverTheChunk() {
        Evaluation.Ranking plain = eval.ranking(ChunkedRankingTest::plainScores);
        assertThat(plain.users()).isGreaterThan(500);
        try (ScoreMatrix m = new ScoreMatrix(users, items, DIMENSION)) {
            for (int chunk : new int[] {1, 7, 256, 10_000}) {
                Evaluation.Ranking chunked = eval.ranking(m, ratings.itemCount(), chunk);
                assertThat(chunked.users()).isEqualTo(plain.users());
                assertThat(chunked.recallAt10()).as("chunk %d", chunk).isCloseTo(plain.recallAt10(), within(1e-12));
                assertThat(chunked.ndcgAt10()).as("chunk %d", chunk).isCloseTo(plain.ndcgAt10(), within(1e-12));
            }
        }
    }

    @Test
    void topKOfARowInsideAMatrixIsTheTopKOfThatRowAlone() {
        float[] row = plainScores(3);
        float[] matrix = new float[row.length * 3];
        System.arraycopy(row, 0, matrix, row.length, row.length);
        int[] excluded = eval.trainItems()[3];
        assertThat(RankingMetrics.topK(matrix, row.length, row.length, excluded, 10))
                .containsExactly(RankingMetrics.topK(row, excluded, 10));
    }
}
