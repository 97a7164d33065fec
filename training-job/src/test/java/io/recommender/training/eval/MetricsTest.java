package io.recommender.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void rmseClipsToTheRatingScale() {
        // errors after clipping: 6 -> 5 vs 4 = 1; 0 -> 0.5 vs 0.5 = 0; 3 vs 1 = 2 -> sqrt(5 / 3)
        assertThat(RatingMetrics.rmse(new float[] {6, 0, 3}, new float[] {4, 0.5f, 1}))
                .isCloseTo(Math.sqrt(5.0 / 3), within(1e-9));
    }

    @Test
    void topKSkipsExcludedAndBreaksTiesByIndex() {
        float[] scores = {0.5f, 0.9f, 0.1f, 0.9f, 0.7f};
        assertThat(RankingMetrics.topK(scores, new int[] {}, 3)).containsExactly(1, 3, 4);
        assertThat(RankingMetrics.topK(scores, new int[] {1, 4}, 3)).containsExactly(3, 0, 2);
        assertThat(RankingMetrics.topK(scores, new int[] {0, 1, 2, 3}, 3)).containsExactly(4);
    }

    @Test
    void recallAndNdcgAgainstHandComputedValues() {
        int[] ranked = {7, 3, 9, 1};
        int[] relevant = {3, 1, 8};
        assertThat(RankingMetrics.recall(ranked, relevant)).isCloseTo(2.0 / 3, within(1e-12));
        // hits at ranks 2 and 4: 1/log2(3) + 1/log2(5); ideal: 1 + 1/log2(3) + 1/log2(4)
        double dcg = 1 / log2(3) + 1 / log2(5);
        double ideal = 1 + 1 / log2(3) + 1 / log2(4);
        assertThat(RankingMetrics.ndcg(ranked, relevant, 10)).isCloseTo(dcg / ideal, within(1e-12));
        // with K = 2 only the hit at rank 2 counts, and the ideal list has 2 entries
        assertThat(RankingMetrics.ndcg(ranked, relevant, 2)).isCloseTo((1 / log2(3)) / (1 + 1 / log2(3)), within(1e-12));
        assertThat(RankingMetrics.ndcg(new int[] {3, 1, 8}, relevant, 10)).isCloseTo(1.0, within(1e-12));
        assertThat(RankingMetrics.recall(ranked, new int[] {})).isZero();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
