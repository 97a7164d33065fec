package io.recommender.contracts.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QualityThresholdsTest {
    @Test
    void eachThresholdIsCheckedAndEqualityPasses() {
        QualityThresholds q = new QualityThresholds(0.15, 0.2, 0.9);
        assertThat(q.check(0.9, 0.15, 0.2)).isEqualTo(new QualityThresholds.Verdict(true,
                "recall@10 0.1500 >= 0.1500, NDCG@10 0.2000 >= 0.2000, RMSE 0.9000 <= 0.9000"));
        assertThat(q.check(0.9, 0.1499, 0.2).message()).isEqualTo("recall@10 0.1499 < minRecallAt10 0.1500");
        assertThat(q.check(0.9, 0.15, 0.19).message()).isEqualTo("NDCG@10 0.1900 < minNdcgAt10 0.2000");
        assertThat(q.check(0.91, 0.1, 0.19)).satisfies(v -> {
            assertThat(v.passed()).isFalse();
            assertThat(v.message()).isEqualTo("recall@10 0.1000 < minRecallAt10 0.1500; NDCG@10 0.1900 < "
                    + "minNdcgAt10 0.2000; RMSE 0.9100 > maxRmse 0.9000");
        });
    }

    @Test
    void aMissingMetricMissesItsThresholdAndAnUnsetThresholdIsNotChecked() {
        assertThat(new QualityThresholds(0.1, null, null).check(null, null, null))
                .isEqualTo(new QualityThresholds.Verdict(false,
                        "the model has no held-out recall@10 to compare with minRecallAt10 0.1000"));
        assertThat(new QualityThresholds(null, null, 1.0).check(0.8, null, null).passed()).isTrue();
        assertThat(new QualityThresholds(null, null, null).any()).isFalse();
    }

    @Test
    void argsNameOnlyTheSetThresholds() {
        assertThat(new QualityThresholds(0.15, null, 0.9).args())
                .isEqualTo(List.of("--min-recall-at-10", "0.15", "--max-rmse", "0.9"));
    }

    @Test
    void outOfRangeThresholdsAreRefused() {
        assertThatThrownBy(() -> new QualityThresholds(1.5, null, null)).hasMessageContaining("minRecallAt10");
        assertThatThrownBy(() -> new QualityThresholds(null, -0.1, null)).hasMessageContaining("minNdcgAt10");
        assertThatThrownBy(() -> new QualityThresholds(null, null, 0.0)).hasMessageContaining("maxRmse");
    }

    @Test
    void maxRegressionComparesEachRankingMetricWithTheStableVersionOnTheSameSplit() {
        QualityThresholds q = new QualityThresholds(null, null, null, 0.02);
        QualityThresholds.Stable stable = new QualityThresholds.Stable("20261207", 0.2, 0.25);

        // 0.98 x 0.2 = 0.196 and 0.98 x 0.25 = 0.245: equality passes.
        assertThat(q.check(0.9, 0.196, 0.245, stable)).isEqualTo(new QualityThresholds.Verdict(true,
                "recall@10 0.1960 >= 0.1960 (0.9800 x the stable version 20261207's 0.2000 on the same split), "
                        + "NDCG@10 0.2450 >= 0.2450 (0.9800 x the stable version 20261207's 0.2500 on the same split)"));
        assertThat(q.check(0.9, 0.25, 0.3, stable).passed()).isTrue();
        assertThat(q.check(0.9, 0.18, 0.3, stable)).isEqualTo(new QualityThresholds.Verdict(false,
                "recall@10 0.1800 is 10.0 % below the stable version 20261207's 0.2000 on the same split "
                        + "(maxRegression 0.0200 allows 0.1960)"));
        assertThat(q.check(0.9, 0.2, 0.2, stable).message())
                .startsWith("NDCG@10 0.2000 is 20.0 % below the stable version 20261207's 0.2500");
        assertThat(new QualityThresholds(null, null, null, 0.0).check(0.9, 0.1999, 0.25, stable).passed()).isFalse();
    }

    @Test
    void maxRegressionWithoutAStableFigureIsNotMetAndCanBeLeftOutForAFirstModel() {
        QualityThresholds q = new QualityThresholds(0.1, null, null, 0.02);

        assertThat(q.check(0.9, 0.2, 0.2)).isEqualTo(new QualityThresholds.Verdict(false,
                "no stable version was scored on this model's split to compare with maxRegression 0.0200"));
        assertThat(q.check(0.9, null, 0.2, new QualityThresholds.Stable("1", 0.1, 0.1)).message())
                .isEqualTo("the model has no held-out recall@10 to compare with minRecallAt10 0.1000; the model has no "
                        + "held-out recall@10 to compare with the stable version 1's 0.1000 on the same split");
        assertThat(q.withoutRegression()).isEqualTo(new QualityThresholds(0.1, null, null));
        assertThat(q.args()).isEqualTo(List.of("--min-recall-at-10", "0.1", "--max-regression", "0.02"));
        assertThat(new QualityThresholds(null, null, null, 0.02).any()).isTrue();
        assertThatThrownBy(() -> new QualityThresholds(null, null, null, -0.01))
                .hasMessage("maxRegression must be within [0, 1]: -0.01");
        assertThatThrownBy(() -> new QualityThresholds(null, null, null, 1.5))
                .hasMessage("maxRegression must be within [0, 1]: 1.5");
    }
}
