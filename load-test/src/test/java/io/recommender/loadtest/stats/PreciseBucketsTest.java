package io.recommender.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreciseBucketsTest {

    @ParameterizedTest(name = "{0} ns -> {1} us")
    @CsvSource({"0, 0", "499, 0", "500, 1", "373000, 373", "999499, 999", "999500, 1000", "1234567, 1230",
        "1235000, 1240", "79350000, 79400", "127470000, 127000", "12345678901, 12300000"})
    void keepsThreeSignificantDigitsOfMicroseconds(long nanos, long expectedMicros) {
        assertThat(PreciseBuckets.bucketMicros(nanos)).isEqualTo(expectedMicros);
    }
}
