package io.recommender.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocustBucketsTest {

    /** Expected buckets as printed by Locust 2.47's {@code bucket_response_time} under CPython 3.11. */
    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "0.0, 0", "0.4, 0", "0.5, 0", "0.5000001, 1", "1.5, 2", "2.5, 2", "99.4, 99", "99.5, 100", "99.6, 100",
        "100.0, 100", "144.9, 140", "145.0, 140", "145.1, 150", "147.0, 150", "155.0, 160", "995.0, 1000",
        "999.4, 1000", "1050.0, 1000", "1150.0, 1200", "1249.99, 1200", "3432.0, 3400", "9949.9, 9900",
        "9950.0, 10000", "10000.0, 10000", "12500.0, 12000", "13500.0, 14000", "58760.0, 59000"})
    void bucketsAsLocustDoes(double responseTimeMs, long expectedBucket) {
        assertThat(LocustBuckets.bucketMillis(responseTimeMs)).isEqualTo(expectedBucket);
    }

    @ParameterizedTest
    @CsvSource({"400000, 0", "1500000, 2", "145000000, 140", "145000001, 150"})
    void bucketsNanosecondsAsTheirMilliseconds(long nanos, long expectedBucket) {
        assertThat(LocustBuckets.bucketNanos(nanos)).isEqualTo(expectedBucket);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsWhatIsNoResponseTime(double responseTimeMs) {
        assertThatThrownBy(() -> LocustBuckets.bucketMillis(responseTimeMs))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
