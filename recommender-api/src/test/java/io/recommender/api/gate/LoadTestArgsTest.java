package io.recommender.api.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.SloSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTestArgsTest {
    @Test
    void everyFigureOfTheSloBecomesAnArgument() {
        SloSpec slo = new SloSpec(List.of(new SloSpec.LatencyTarget(50.0, 2.0), new SloSpec.LatencyTarget(99.0, 7.5)),
                0.02, 400, 16, "1m30s", "0s");
        assertThat(LoadTestArgs.of(slo, "http://localhost:9000")).containsExactly("--target", "http://localhost:9000",
                "--rps", "400", "--users", "16", "--duration", "90s", "--warmup", "0s", "--max-error-rate", "0.02",
                "--p50-ms", "2.0", "--p99-ms", "7.5");
    }

    @Test
    void unsetFiguresTakeTheDefaults() {
        SloSpec slo = new SloSpec(List.of(new SloSpec.LatencyTarget(95.0, 10.0)), null, null, null, null, null);
        assertThat(LoadTestArgs.of(slo, "http://t")).containsSequence("--rps", "50").containsSequence("--users", "8")
                .containsSequence("--duration", "30s").containsSequence("--warmup", "5s")
                .containsSequence("--max-error-rate", "0.01");
    }

    @Test
    void durationsInMinutesAndSeconds() {
        assertThat(LoadTestArgs.seconds("0s")).isZero();
        assertThat(LoadTestArgs.seconds("30s")).isEqualTo(30);
        assertThat(LoadTestArgs.seconds("2m")).isEqualTo(120);
        assertThat(LoadTestArgs.seconds("1m30s")).isEqualTo(90);
    }
}
