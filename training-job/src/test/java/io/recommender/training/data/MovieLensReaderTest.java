package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.training.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsMoviesAndRatingsIntoDenseIndices() throws IOException {
        Ratings r = MovieLensReader.read(TinyData.write(tmp));

        assertThat(r.size()).isEqualTo(5);
        assertThat(r.userIds()).containsExactly(1, 2);
        assertThat(r.itemCount()).isEqualTo(4);
        assertThat(r.movie(1)).isEqualTo(new Movie(20, "Heat, Again (1995)", List.of("Action", "Crime"), 1995));
        assertThat(r.movie(2).genres()).isEmpty();
        assertThat(r.movie(2).year()).isZero();
        assertThat(r.user(3)).isEqualTo(1);
        assertThat(r.movie(r.item(4)).movieId()).isEqualTo(40);
        assertThat(r.rating(4)).isEqualTo(4.5f);
    }

    @Test
    void acceptsColumnsInAnyOrderAndSkipsBlankLines() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "rating,movieId,userId\n4.0,10,7\n\n3.5,20,7\n");
        Ratings r = MovieLensReader.read(dir);
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.rating(1)).isEqualTo(3.5f);
        assertThat(r.userId(0)).isEqualTo(7);
    }

    @Test
    void nonNumericRatingNamesFileAndLine() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "userId,movieId,rating\n1,10,4.0\n1,20,great\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).isInstanceOf(DataFormatException.class)
                .hasMessage(dir.resolve("ratings.csv") + ":3: rating 'great' is not a number");
    }

    @Test
    void ratingOffTheScaleIsRejected() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "userId,movieId,rating\n1,10,4.2\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith(
                "ratings.csv:2: rating 4.2 is not one of 0.5, 1.0, ... 5.0");
    }

    @Test
    void emptyFileMissingFileAndDuplicateHeaderAreClear() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith("ratings.csv: file is empty");

        Files.delete(dir.resolve("ratings.csv"));
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith("ratings.csv: file not found");

        Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating,rating\n1,10,4,4\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith(
                "ratings.csv:1: duplicate header 'rating'");
    }

    @Test
    void missingColumnAndShortRowAreClear() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "userId,rating\n1,4\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageContaining(
                "ratings.csv:1: header lacks column 'movieId'");

        Files.writeString(dir.resolve("ratings.csv"), "userId,movieId,rating\n1,10,4\n1,20\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith(
                "ratings.csv:3: expected at least 3 columns, found 2");
    }

    @Test
    void unknownMovieAndDuplicateMovieAreRejected() throws IOException {
        Path dir = TinyData.write(tmp, TinyData.MOVIES, "userId,movieId,rating\n1,99,4\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith(
                "ratings.csv:2: movie 99 is not in movies.csv");

        Files.writeString(dir.resolve("movies.csv"), "movieId,title,genres\n1,A,Drama\n1,B,Drama\n");
        assertThatThrownBy(() -> MovieLensReader.read(dir)).hasMessageEndingWith("movies.csv:3: movie 1 appears twice");
    }

    @Test
    void malformedQuotingIsReportedWithTheFile() throws IOException {
        Path dir = TinyData.write(tmp, "movieId,title,genres\n1,\"Unclosed,Drama\n", TinyData.RATINGS);
        assertThatThrownBy(() -> MovieLensReader.read(dir)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("movies.csv");
    }
}
