package io.recommender.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestStatsTest {

    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;

    @Test
    void countsFailuresAsRequestsWithTheirResponseTimes() {
        RequestStats stats = new RequestStats(0, 3);
        stats.record(0, 10 * MS, null);
        stats.record(S, 145 * MS, "HTTP 500");
        stats.record(S + 1, 20 * MS, "HTTP 500");
        stats.record(2 * S, 30 * MS, "timeout");

        assertThat(stats.requests()).isEqualTo(4);
        assertThat(stats.failures()).isEqualTo(3);
        assertThat(stats.locustMillis().toSortedMap())
            .containsExactly(Map.entry(10L, 1L), Map.entry(20L, 1L), Map.entry(30L, 1L), Map.entry(140L, 1L));
        assertThat(stats.errors()).containsOnly(Map.entry("HTTP 500", 2L), Map.entry("timeout", 1L));
        assertThat(stats.requestsPerSecond()).containsExactly(1, 2, 1);
        assertThat(stats.failuresPerSecond()).containsExactly(0, 2, 1);
        assertThat(stats.maxNanos()).isEqualTo(145 * MS);
        assertThat(stats.meanNanos()).isEqualTo(51.25 * MS);
    }

    @Test
    void countsLateAndEarlySamplesInTheTimelinesEnds() {
        RequestStats stats = new RequestStats(10 * S, 2);
        stats.record(9 * S, MS, null);
        stats.record(99 * S, MS, null);
        assertThat(stats.requestsPerSecond()).containsExactly(1, 1);
    }

    @Test
    void mergesStatsOfTheSameRun() {
        RequestStats a = new RequestStats(0, 2);
        a.record(0, 5 * MS, "x");
        RequestStats b = new RequestStats(0, 2);
        b.record(S, 7 * MS, "x");
        b.record(S, 2 * MS, null);
        a.merge(b);
        assertThat(a.requests()).isEqualTo(3);
        assertThat(a.failures()).isEqualTo(2);
        assertThat(a.errors()).containsOnly(Map.entry("x", 2L));
        assertThat(a.maxNanos()).isEqualTo(7 * MS);
        assertThat(a.requestsPerSecond()).containsExactly(1, 2);
        assertThat(a.preciseMicros().total()).isEqualTo(3);
        assertThatThrownBy(() -> a.merge(new RequestStats(1, 2))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyStatsHaveZeroFigures() {
        RequestStats stats = new RequestStats(0, 1);
        assertThat(stats.meanNanos()).isZero();
        assertThat(stats.locustMillis().percentile(0.99)).isZero();
    }
}
