package io.recommender.loadtest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"30, 30000", "30s, 30000", "1.5s, 1500", "500ms, 500", "2m, 120000", "1h, 3600000",
        "PT45S, 45000", "pt1m, 60000"})
    void readsDurations(String text, long millis) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-3s", "5 d", ""})
    void rejectsWhatIsNoDuration(String text) {
        assertThatThrownBy(() -> new DurationConverter().convert(text))
            .isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
