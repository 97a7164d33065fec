package io.recommender.api.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.api.v1alpha1.TrafficSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTestArgsTest {
    @Test
    void everyFigureOfTheSloBecomesAnArgument() {
        SloSpec slo = new SloSpec(List.of(new SloSpec.LatencyTarget(50.0, 2.0), new SloSpec.LatencyTarget(99.0, 7.5)),
                0.02, 400, 16, "1m30s", "0s");
        assertThat(LoadTestArgs.of(slo, "http://localhost:9000", "/population/users.txt")).containsExactly(
                "--target", "http://localhost:9000", "--endpoint", "recommendations", "--users-from", "/population/users.txt",
                "--user-sampling", "activity", "--unknown-fraction", "0.1", "--rps", "400", "--users", "16", "--duration", "90s", "--warmup", "0s", "--max-error-rate", "0.02",
                "--p50-ms", "2.0", "--p99-ms", "7.5");
    }

    @Test
    void unsetFiguresTakeTheDefaults() {
        SloSpec slo = new SloSpec(List.of(new SloSpec.LatencyTarget(95.0, 10.0)), null, null, null, null, null);
        assertThat(LoadTestArgs.of(slo, "http://t", "b")).containsSequence("--rps", "50").containsSequence("--users", "8")
                .containsSequence("--duration", "30s").containsSequence("--warmup", "5s")
                .containsSequence("--max-error-rate", "0.01");
    }

    @Test
    void theTrafficMixBecomesTheUserArguments() {
        SloSpec slo = new SloSpec(List.of(new SloSpec.LatencyTarget(99.0, 10.0)), null, null, null, null, null,
                new TrafficSpec("Uniform", 0.0));
        assertThat(LoadTestArgs.of(slo, "http://t", "/b")).containsSequence("--users-from", "/b")
                .containsSequence("--user-sampling", "uniform").containsSequence("--unknown-fraction", "0.0");
        SloSpec half = new SloSpec(List.of(new SloSpec.LatencyTarget(99.0, 10.0)), null, null, null, null, null,
                new TrafficSpec(null, 0.5));
        assertThat(LoadTestArgs.of(half, "http://t", "/b")).containsSequence("--user-sampling", "activity")
                .containsSequence("--unknown-fraction", "0.5");
    }

    @Test
    void durationsInHoursMinutesAndSeconds() {
        assertThat(LoadTestArgs.seconds("0s")).isZero();
        assertThat(LoadTestArgs.seconds("30s")).isEqualTo(30);
        assertThat(LoadTestArgs.seconds("2m")).isEqualTo(120);
        assertThat(LoadTestArgs.seconds("1m30s")).isEqualTo(90);
        assertThat(LoadTestArgs.seconds("2m0s")).isEqualTo(120);
        assertThat(LoadTestArgs.seconds("1h")).isEqualTo(3600);
        assertThat(LoadTestArgs.seconds("0h59m60s")).isEqualTo(3600);
    }
}
