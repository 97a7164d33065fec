package io.recommender.loadtest.slo;

import io.recommender.contracts.loadtest.Verdict;
import io.recommender.contracts.loadtest.SloThresholds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SloEvaluatorTest {

    private static final SloThresholds P95_25_P99_50_ONE_PERCENT =
        new SloThresholds(null, null, 25.0, 50.0, 0.01, null);

    private static LoadMeasurement observed(long requests, long failures, double p95, double p99) {
        return new LoadMeasurement(requests, failures, 100, 5, 10, p95, p99, failures > 0 ? "HTTP 500" : null, failures,
            null);
    }

    @Test
    void zeroRequestsFail() {
        Verdict verdict = SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, observed(0, 0, 0, 0));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).isEqualTo("no requests were made, so the SLO cannot be judged");
    }

    @Test
    void allFailuresFailOnTheErrorRateAndNameTheCommonestError() {
        Verdict verdict = SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, observed(200, 200, 3, 4));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).isEqualTo("error rate 100% > SLO 1% (commonest: HTTP 500 x200)");
    }

    @Test
    void figuresExactlyAtTheirThresholdsPass() {
        Verdict verdict = SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, observed(1000, 10, 25, 50));
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason())
            .isEqualTo("SLO met: error rate 1% <= 1%, p95 25 ms <= 25 ms, p99 50 ms <= 50 ms");
    }

    @Test
    void justAboveAThresholdFails() {
        Verdict verdict = SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, observed(1000, 11, 25, 51));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason())
            .isEqualTo("error rate 1.1% > SLO 1% (commonest: HTTP 500 x11); p99 51 ms > SLO 50 ms");
    }

    @Test
    void latencyViolationNamesFigureAndThreshold() {
        SloThresholds slo = new SloThresholds(null, null, null, 25.0, 0.05, null);
        Verdict verdict = SloEvaluator.evaluate(slo, observed(500, 0, 30, 41.2));
        assertThat(verdict).isEqualTo(Verdict.fail("p99 41.2 ms > SLO 25 ms"));
    }

    @Test
    void everyPercentileIsJudgedWhenSet() {
        SloThresholds slo = new SloThresholds(4.0, 9.0, null, null, 1, null);
        Verdict verdict = SloEvaluator.evaluate(slo,
            new LoadMeasurement(10, 0, 1, 5, 10, 11, 12, null, 0, null));
        assertThat(verdict.reason()).isEqualTo("p50 5 ms > SLO 4 ms; p90 10 ms > SLO 9 ms");
    }

    @Test
    void anImpossibleSloFailsWithItsReason() {
        SloThresholds impossible = new SloThresholds(null, null, null, 0.0, 0, null);
        Verdict verdict = SloEvaluator.evaluate(impossible, observed(1000, 0, 1, 1));
        assertThat(verdict).isEqualTo(Verdict.fail("p99 1 ms > SLO 0 ms"));
    }

    @Test
    void tooLittleThroughputFailsWhenAMinimumIsSet() {
        SloThresholds slo = new SloThresholds(null, null, null, null, 0.01, 500.0);
        Verdict verdict = SloEvaluator.evaluate(slo, new LoadMeasurement(100, 0, 123.4567, 1, 1, 1, 1, null, 0, null));
        assertThat(verdict).isEqualTo(Verdict.fail("throughput 123.457 rps < SLO 500 rps"));
        assertThat(SloEvaluator.evaluate(slo, new LoadMeasurement(100, 0, 500, 1, 1, 1, 1, null, 0, null)).passed())
            .isTrue();
    }

    @Test
    void anAbortedLoadFailsWithTheAbortReason() {
        LoadMeasurement aborted = new LoadMeasurement(0, 0, 0, 0, 0, 0, 0, null, 0,
            "target unreachable: connection failed: Connection refused");
        assertThat(SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, aborted))
            .isEqualTo(Verdict.fail("target unreachable: connection failed: Connection refused"));
    }

    @Test
    void evaluationIsPure() {
        LoadMeasurement measured = observed(1000, 20, 30, 60);
        assertThat(SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, measured))
            .isEqualTo(SloEvaluator.evaluate(P95_25_P99_50_ONE_PERCENT, measured));
    }

    @Test
    void numbersAreWrittenWithoutNoise() {
        assertThat(SloEvaluator.number(25)).isEqualTo("25");
        assertThat(SloEvaluator.number(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(SloEvaluator.percent(0.0125)).isEqualTo("1.25%");
    }

    @Test
    void rejectsNonsenseThresholdsAndMeasurements() {
        assertThatThrownBy(() -> new SloThresholds(null, null, -1.0, null, 0.01, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p95Ms");
        assertThatThrownBy(() -> new SloThresholds(null, null, null, null, 1.5, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxErrorRate");
        assertThatThrownBy(() -> new SloThresholds(null, null, null, Double.NaN, 0.01, null))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoadMeasurement(1, 2, 0, 0, 0, 0, 0, null, 0, null))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
