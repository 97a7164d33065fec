package io.recommender.training.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a split as MovieLens-layout CSVs ({@code train.csv}, {@code validation.csv}, {@code test.csv},
 * each {@code userId,movieId,rating}), so other libraries can be evaluated on exactly the same data.
 */
public final class SplitExporter {
    private SplitExporter() {}

    public static void export(Ratings ratings, Split split, Path dir) throws IOException {
        Files.createDirectories(dir);
        write(ratings, split.train(), dir.resolve("train.csv"));
        write(ratings, split.validation(), dir.resolve("validation.csv"));
        write(ratings, split.test(), dir.resolve("test.csv"));
    }

    private static void write(Ratings ratings, int[] rows, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("userId,movieId,rating\n");
            for (int r : rows) {
                w.write(ratings.userId(ratings.user(r)) + "," + ratings.movie(ratings.item(r)).movieId() + ","
                        + ratings.rating(r) + "\n");
            }
        }
    }
}
