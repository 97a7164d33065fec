package io.recommender.loadtest;

import io.recommender.bundle.UserPopulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The users of the bundled MovieLens data and their ratings counted from ratings.csv: a real population. */
public final class RealUsers {
    public static final Path RATINGS = Path.of("..", "data", "ml-latest-small", "ratings.csv");

    private RealUsers() {}

    public static UserPopulation population() {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        try (Stream<String> lines = Files.lines(RATINGS)) {
            lines.skip(1).forEach(line -> counts.merge(Integer.parseInt(line.substring(0, line.indexOf(','))), 1,
                Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> ids = List.copyOf(counts.keySet());
        return new UserPopulation(ids.stream().mapToInt(Integer::intValue).toArray(),
            ids.stream().mapToInt(counts::get).toArray());
    }
}
