package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacingTest {

    /** permits per tick / period must give back the rate, with refills about every 10 ms at high rates. */
    @ParameterizedTest(name = "{0} rps")
    @CsvSource({"10000, 100, 10000000", "150, 2, 13333333", "1, 1, 1000000000", "0.5, 1, 2000000000",
        "250000, 2500, 10000000"})
    void refillsEvenlyAtTheAskedRate(double rps, long permits, long periodNanos) {
        assertThat(Pacing.permitsPerTick(rps)).isEqualTo(permits);
        assertThat(Pacing.periodNanos(rps, permits)).isEqualTo(periodNanos);
        assertThat(permits * 1e9 / periodNanos).isCloseTo(rps, org.assertj.core.data.Percentage.withPercentage(0.01));
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "Infinity", "NaN"})
    void refusesNoRate(double rps) {
        assertThatThrownBy(() -> Pacing.limiterFor(rps)).isInstanceOf(IllegalArgumentException.class);
    }
}
