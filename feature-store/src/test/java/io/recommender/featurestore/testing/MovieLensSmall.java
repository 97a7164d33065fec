package io.recommender.featurestore.testing;

import io.recommender.featurestore.Event;
import io.recommender.featurestore.Genres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** ml-latest-small's ratings as events, read plainly for tests (the training job has the real reader). */
public final class MovieLensSmall {
    private MovieLensSmall() {}

    public static Path dir() {
        for (Path p : List.of(Path.of("../data/ml-latest-small"), Path.of("data/ml-latest-small"))) {
            if (Files.isRegularFile(p.resolve("ratings.csv"))) {
                return p;
            }
        }
        throw new IllegalStateException("data/ml-latest-small not found");
    }

    /** movie id -> genre mask. */
    public static Map<Integer, Integer> genres() throws IOException {
        Map<Integer, Integer> out = new HashMap<>();
        List<String> lines = Files.readAllLines(dir().resolve("movies.csv"));
        for (String line : lines.subList(1, lines.size())) {
            int id = Integer.parseInt(line.substring(0, line.indexOf(',')));
            String genres = line.substring(line.lastIndexOf(',') + 1);
            out.put(id, Genres.mask(Arrays.asList(genres.split("\\|"))));
        }
        return out;
    }

    /** Every rating as an event, in the file's order. */
    public static List<Event> events() throws IOException {
        Map<Integer, Integer> genres = genres();
        List<Event> out = new ArrayList<>(101_000);
        List<String> lines = Files.readAllLines(dir().resolve("ratings.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            int movie = Integer.parseInt(f[1]);
            out.add(new Event(Integer.parseInt(f[0]), movie, Event.halfStarsOf(Double.parseDouble(f[2])),
                    Long.parseLong(f[3]), genres.get(movie)));
        }
        return out;
    }
}
