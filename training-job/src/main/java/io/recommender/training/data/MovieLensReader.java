package io.recommender.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the MovieLens CSV layout ({@code movies.csv}, {@code ratings.csv}) row by row, so memory holds
 * the parsed columns but never the raw text: the same code reads ml-latest-small and ml-25m.
 */
public final class MovieLensReader {
    public static final String MOVIES = "movies.csv";
    public static final String RATINGS = "ratings.csv";

    private static final Pattern YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");

    private MovieLensReader() {}

    /** Reads {@code movies.csv} and {@code ratings.csv} from a MovieLens directory. */
    public static Ratings read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, 0, "not a directory");
        }
        Movie[] movies = readMovies(dir.resolve(MOVIES));
        return readRatings(dir.resolve(RATINGS), movies);
    }

    public static Movie[] readMovies(Path file) throws IOException {
        List<Movie> movies = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        try (CsvRows rows = CsvRows.open(file, "movieId", "title", "genres")) {
            for (String[] row; (row = rows.next()) != null; ) {
                int movieId = rows.parseInt(row, 0, "movieId");
                if (!seen.add(movieId)) {
                    throw rows.error("movie " + movieId + " appears twice");
                }
                String title = row[rows.column(1)].trim();
                String genreField = row[rows.column(2)].trim();
                List<String> genres = genreField.isEmpty() || genreField.equals("(no genres listed)")
                        ? List.of() : List.of(genreField.split("\\|"));
                Matcher m = YEAR.matcher(title);
                movies.add(new Movie(movieId, title, genres, m.find() ? Integer.parseInt(m.group(1)) : 0));
            }
        }
        if (movies.isEmpty()) {
            throw new DataFormatException(file, 0, "no movies after the header");
        }
        movies.sort((a, b) -> Integer.compare(a.movieId(), b.movieId()));
        return movies.toArray(Movie[]::new);
    }

    public static Ratings readRatings(Path file, Movie[] movies) throws IOException {
        Map<Integer, Integer> itemIndex = new HashMap<>(movies.length * 2);
        for (int i = 0; i < movies.length; i++) {
            itemIndex.put(movies[i].movieId(), i);
        }
        IntArray rawUsers = new IntArray();
        IntArray items = new IntArray();
        ByteArray halfStars = new ByteArray();
        LongArray times = new LongArray();
        try (CsvRows rows = CsvRows.open(file, "userId", "movieId", "rating")) {
            // Optional: the feature store keeps a user's newest ratings, and training applies the same rule.
            int timeColumn = java.util.Arrays.asList(rows.header()).indexOf("timestamp");
            for (String[] row; (row = rows.next()) != null; ) {
                int userId = rows.parseInt(row, 0, "userId");
                int movieId = rows.parseInt(row, 1, "movieId");
                double rating = rows.parseDouble(row, 2, "rating");
                if (!(rating >= 0.5 && rating <= 5.0) || Math.rint(rating * 2) != rating * 2) {
                    throw rows.error("rating " + row[rows.column(2)] + " is not one of 0.5, 1.0, ... 5.0");
                }
                Integer item = itemIndex.get(movieId);
                if (item == null) {
                    throw rows.error("movie " + movieId + " is not in " + MOVIES);
                }
                rawUsers.add(userId);
                items.add(item);
                halfStars.add((byte) Math.round(rating * 2));
                long time = 0;
                if (timeColumn >= 0 && timeColumn < row.length && !row[timeColumn].isBlank()) {
                    String ts = row[timeColumn].trim();
                    try {
                        time = Long.parseLong(ts);
                    } catch (NumberFormatException e) {
                        throw rows.error("timestamp '" + ts + "' is not whole epoch seconds");
                    }
                    if (time < 0 || time > io.recommender.featurestore.Event.MAX_TIME) {
                        throw rows.error("timestamp " + time + " is out of range");
                    }
                }
                times.add(time);
            }
        }
        if (items.size() == 0) {
            throw new DataFormatException(file, 0, "no ratings after the header");
        }
        int[] users = rawUsers.toArray();
        int[] userIds = distinctSorted(users);
        for (int r = 0; r < users.length; r++) {
            users[r] = Arrays.binarySearch(userIds, users[r]);
        }
        return new Ratings(userIds, movies, users, items.toArray(), halfStars.toArray(), times.toArray());
    }

    private static int[] distinctSorted(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** Growable byte array for ratings in half-stars. */
    private static final class ByteArray {
        private byte[] values = new byte[1024];
        private int size;

        void add(byte v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length + (values.length >> 1));
            }
            values[size++] = v;
        }

        byte[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private static final class LongArray {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length + (values.length >> 1));
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
