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
}
