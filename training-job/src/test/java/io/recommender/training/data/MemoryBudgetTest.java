package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {
    static final Path SMALL = Path.of("..", "data", "ml-latest-small", "ratings.csv");

    @TempDir
    Path tmp;

    @Test
    void theRatingsAreEstimatedFromTheFilesSizeWithinAFewPercent() throws IOException {
        // ml-latest-small: 100,836 ratings.
        MemoryBudget b = MemoryBudget.of(SMALL);
        assertThat(b.fileBytes()).isEqualTo(Files.size(SMALL));
        assertThat(b.ratings()).isBetween(95_000L, 106_000L);
        // Generated ml-25m-shaped rows (the same columns): counted exactly by the generator.
        Path generated = tmp.resolve("g");
        SyntheticMovieLens.write(new SyntheticMovieLens.Shape(3_000, 2_000, 200_000, 25), generated);
        assertThat(MemoryBudget.of(generated.resolve("ratings.csv")).ratings()).isBetween(190_000L, 210_000L);
    }

    @Test
    void aFileWithOnlyAHeaderIsNoRatings() throws IOException {
        Path f = Files.writeString(tmp.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n");
        assertThat(MemoryBudget.of(f).ratings()).isZero();
    }

    @Test
    void dataTooLargeForTheContainerIsRefusedNamingBothSizesAndTheField() {
        MemoryBudget b = MemoryBudget.of(680_000_000L, 25_000_000L);
        assertThatThrownBy(() -> b.check(64L << 30, OptionalLong.of(4L << 30)))
                .hasMessageStartingWith("ratings.csv (648 MiB, about 25.0 million ratings) needs about ")
                .hasMessageContaining("more than this container's limit of 4.0 GiB")
                .hasMessageContaining("spec.model.training.resources.limits.memory")
                .hasMessageContaining("at least " + ((b.totalBytes() + (1L << 30) - 1) >> 30) + "Gi");
    }

    @Test
    void aHeapTooSmallIsRefusedWhenTheContainerWouldDo() {
        MemoryBudget b = MemoryBudget.of(680_000_000L, 25_000_000L);
        assertThatThrownBy(() -> b.check(1L << 30, OptionalLong.empty()))
                .hasMessageContaining("of Java heap to train, more than this JVM's 1.0 GiB").hasMessageContaining("-Xmx");
    }

    @Test
    void whatFitsPasses() {
        MemoryBudget small = MemoryBudget.of(2_500_000L, 100_836L);
        assertThatCode(() -> small.check(512L << 20, OptionalLong.of(2L << 30))).doesNotThrowAnyException();
        MemoryBudget large = MemoryBudget.of(680_000_000L, 25_000_000L);
        assertThatCode(() -> large.check(large.heapBytes(), OptionalLong.of(large.totalBytes())))
                .doesNotThrowAnyException();
    }

    @Test
    void theContainerLimitIsReadFromCgroupTwoOrOneAndNoLimitIsNone() throws IOException {
        Path v2 = Files.createDirectories(tmp.resolve("v2"));
        Files.writeString(v2.resolve("memory.max"), "4294967296\n");
        assertThat(MemoryBudget.containerLimit(v2)).hasValue(4L << 30);
        Files.writeString(v2.resolve("memory.max"), "max\n");
        assertThat(MemoryBudget.containerLimit(v2)).isEmpty();
        Path v1 = Files.createDirectories(tmp.resolve("v1/memory"));
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertThat(MemoryBudget.containerLimit(tmp.resolve("v1"))).isEmpty();
        Files.writeString(v1.resolve("memory.limit_in_bytes"), "2147483648\n");
        assertThat(MemoryBudget.containerLimit(tmp.resolve("v1"))).hasValue(2L << 30);
        assertThat(MemoryBudget.containerLimit(tmp.resolve("nowhere"))).isEmpty();
    }
}
