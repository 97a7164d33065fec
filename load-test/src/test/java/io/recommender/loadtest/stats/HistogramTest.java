package io.recommender.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistogramTest {

    @Test
    void emptyHistogramHasZeroPercentiles() {
        Histogram histogram = new Histogram();
        assertThat(histogram.percentile(0.99)).isZero();
        assertThat(histogram.total()).isZero();
    }

    /**
     * Walked by hand as Locust's calculate_response_time_percentile does, from the largest bucket down:
     * {1: 50, 10: 30, 100: 15, 1000: 5}, 100 requests.
     */
    @ParameterizedTest(name = "p{0}")
    @CsvSource({"0.0, 1", "0.5, 10", "0.51, 10", "0.8, 100", "0.9, 100", "0.95, 1000", "0.99, 1000", "1.0, 1000"})
    void walksBucketsLikeLocust(double percent, long expected) {
        Histogram histogram = new Histogram();
        histogram.add(1, 50);
        histogram.add(10, 30);
        histogram.add(100, 15);
        histogram.add(1000, 5);
        assertThat(histogram.percentile(percent)).isEqualTo(expected);
    }

    @Test
    void oneSampleEachFromOneToAHundred() {
        Histogram histogram = new Histogram();
        for (long ms = 1; ms <= 100; ms++) {
            histogram.add(ms);
        }
        assertThat(histogram.percentile(0.5)).isEqualTo(51);
        assertThat(histogram.percentile(0.9)).isEqualTo(91);
        assertThat(histogram.percentile(0.99)).isEqualTo(100);
    }

    /** The walk must pick the sorted, bucketed samples' element at floor(n * p), capped at the last. */
    @Test
    void agreesWithSortingTheBucketedSamples() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(2_000);
            long[] buckets = new long[n];
            Histogram histogram = new Histogram();
            for (int i = 0; i < n; i++) {
                // Log-uniform from 0.01 ms to 100 s, so every bucketing regime is hit.
                double ms = Math.pow(10, -2 + 7 * random.nextDouble());
                buckets[i] = LocustBuckets.bucketMillis(ms);
                histogram.add(buckets[i]);
            }
            Arrays.sort(buckets);
            for (double p : new double[] {0, 0.5, 0.9, 0.95, 0.99, 0.999, 1}) {
                int index = (int) Math.min(n - 1, (long) (n * p));
                assertThat(histogram.percentile(p)).as("p%s of %d samples", p, n).isEqualTo(buckets[index]);
            }
        }
    }

    @Test
    void mergeAddsCounts() {
        Histogram a = new Histogram();
        a.add(5, 2);
        Histogram b = new Histogram();
        b.add(5, 3);
        b.add(7);
        a.merge(b);
        assertThat(a.total()).isEqualTo(6);
        assertThat(a.toSortedMap()).containsExactly(java.util.Map.entry(5L, 5L), java.util.Map.entry(7L, 1L));
    }

    @Test
    void keepsEveryKindOfBucketApartAndInOrder() {
        Histogram histogram = new Histogram();
        long[] buckets = {0, 7, 999, 1000, 1010, 9990, 10_000, 59_000, 123_000_000, 1001, 123_456, Long.MAX_VALUE};
        for (long bucket : buckets) {
            histogram.add(bucket, 2);
        }
        histogram.add(1000);
        assertThat(histogram.total()).isEqualTo(2L * buckets.length + 1);
        java.util.Map<Long, Long> expected = new java.util.TreeMap<>();
        for (long bucket : buckets) {
            expected.put(bucket, 2L);
        }
        expected.put(1000L, 3L);
        assertThat(histogram.toSortedMap()).containsExactlyEntriesOf(expected);
        assertThat(histogram.percentile(1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsPercentOutsideZeroToOne() {
        assertThatThrownBy(() -> new Histogram().percentile(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Histogram().add(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Histogram().add(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
