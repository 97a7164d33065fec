package io.recommender.training.data;

import io.recommender.featurestore.Genres;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * MovieLens-shaped data made up for scale runs and tests (no download works everywhere): the same files and
 * columns as ml-25m ({@code movies.csv}: movieId,title,genres; {@code ratings.csv}: userId,movieId,rating,timestamp,
 * sorted by user then movie), with the traits that make each stage's cost realistic:
 * <ul>
 *   <li>long-tailed item popularity (a power law over a random order of the movies: the most rated movie holds about
 *       0.3 % of the ratings at ml-25m's size, the median one a few dozen) and movie ids with gaps;</li>
 *   <li>long-tailed user activity (at least 20 ratings each, as in MovieLens; log-normal above that, capped at a
 *       quarter of the catalogue), scaled to the asked number of ratings exactly;</li>
 *   <li>taste: each user prefers a few genres (drawn from MovieLens's genre frequencies); half of a user's movies
 *       come from those genres, and the user rates them higher, so a model has something to learn beyond
 *       popularity;</li>
 *   <li>half-star ratings around 3.5 with user and movie biases; timestamps within each user's active years.</li>
 * </ul>
 * The same seed and sizes give the same bytes. Rows are written as they are drawn (one user's movies at a time),
 * so memory is the catalogue's, not the ratings'. Files are written beside their final names and moved into place
 * at the end: a run that fails leaves no half-written data set.
 */
public final class SyntheticMovieLens {
    /** ml-25m's sizes. */
    public static final int ML25M_USERS = 162_541;
    public static final int ML25M_MOVIES = 62_423;
    public static final long ML25M_RATINGS = 25_000_095L;
    static final int MIN_PER_USER = 20;
    /** MovieLens's genre frequencies (ml-latest-small's movies.csv), in {@link Genres#ALL}'s order. */
    static final double[] GENRE_WEIGHTS = {1828, 1263, 611, 664, 3756, 1199, 440, 4361, 779, 87, 978, 158, 334, 573,
            1596, 980, 1894, 382, 167};
    static final long FIRST_TIME = 789_652_009L;   // 1995-01-09, ml-25m's first rating
    static final long LAST_TIME = 1_574_327_703L;  // 2019-11-21, its last

    /** Sizes and seed of a data set. */
    public record Shape(int users, int movies, long ratings, long seed) {
        public Shape {
            if (users < 1 || movies < 1) {
                throw new IllegalArgumentException("at least one user and one movie");
            }
            long most = (long) users * Math.max(1, movies / 4);
            if (ratings < users || ratings > most) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%d ratings do not fit %d users and %d "
                        + "movies: each user rates at least one movie and at most a quarter of them (%d in all)",
                        ratings, users, movies, most));
            }
        }

        public static Shape ml25m(long seed) {
            return new Shape(ML25M_USERS, ML25M_MOVIES, ML25M_RATINGS, seed);
        }
    }

    private final Shape shape;
    private final SplittableRandom rnd;
    private final int[] movieIds;
    private final int[][] movieGenres;
    private final double[] popularity;
    private final double[] movieBias;
    /** Cumulative popularity over all movies, and within each genre (movies of that genre only). */
    private final double[] allCumulative;
    private final int[][] genreMovies;
    private final double[][] genreCumulative;

    private SyntheticMovieLens(Shape shape) {
        this.shape = shape;
        this.rnd = new SplittableRandom(shape.seed());
        int m = shape.movies();
        movieIds = new int[m];
        int id = 0;
        for (int i = 0; i < m; i++) {
            // Gaps as in MovieLens, whose ids run to about 3.4 times the number of movies.
            id += 1 + (rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(8));
            movieIds[i] = id;
        }
        movieGenres = new int[m][];
        for (int i = 0; i < m; i++) {
            movieGenres[i] = drawGenres();
        }
        int[] rank = permutation(m);
        popularity = new double[m];
        movieBias = new double[m];
        for (int i = 0; i < m; i++) {
            popularity[i] = Math.pow(rank[i] + 150.0, -1.5);
            // Popular movies are rated a little higher, as in MovieLens.
            movieBias[i] = 0.25 * (1 - 2.0 * rank[i] / m) + 0.3 * gaussian();
        }
        allCumulative = cumulative(popularity, null);
        int g = Genres.ALL.size();
        List<List<Integer>> members = new ArrayList<>();
        for (int k = 0; k < g; k++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < m; i++) {
            for (int k : movieGenres[i]) {
                members.get(k).add(i);
            }
        }
        genreMovies = new int[g][];
        genreCumulative = new double[g][];
        for (int k = 0; k < g; k++) {
            genreMovies[k] = members.get(k).stream().mapToInt(Integer::intValue).toArray();
            genreCumulative[k] = cumulative(popularity, genreMovies[k]);
        }
    }

    /** Writes {@code movies.csv} and {@code ratings.csv} of {@code shape} into {@code dir}. */
    public static void write(Shape shape, Path dir) throws IOException {
        Files.createDirectories(dir);
        SyntheticMovieLens g = new SyntheticMovieLens(shape);
        Path movies = dir.resolve(MovieLensReader.MOVIES);
        Path ratings = dir.resolve(MovieLensReader.RATINGS);
        Path moviesTmp = dir.resolve(MovieLensReader.MOVIES + ".partial");
        Path ratingsTmp = dir.resolve(MovieLensReader.RATINGS + ".partial");
        try {
            g.writeMovies(moviesTmp);
            g.writeRatings(ratingsTmp);
            Files.move(moviesTmp, movies, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(ratingsTmp, ratings, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(moviesTmp);
            Files.deleteIfExists(ratingsTmp);
        }
    }

    private void writeMovies(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("movieId,title,genres\n");
            for (int i = 0; i < movieIds.length; i++) {
                int year = 2019 - (int) Math.min(99, Math.abs(gaussian()) * 25);
                StringBuilder genres = new StringBuilder();
                for (int k : movieGenres[i]) {
                    genres.append(genres.isEmpty() ? "" : "|").append(Genres.ALL.get(k));
                }
                w.write(movieIds[i] + ",Movie " + movieIds[i] + " (" + year + ")," + genres + "\n");
            }
        }
    }

    private void writeRatings(Path file) throws IOException {
        int users = shape.users();
        int cap = Math.max(1, shape.movies() / 4);
        int[] counts = activity(users, shape.ratings(), Math.min(cap, Math.min(MIN_PER_USER,
                (int) (shape.ratings() / users))), cap);
        int g = Genres.ALL.size();
        double[] taste = new double[g];
        boolean[] seen = new boolean[shape.movies()];
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            w.write("userId,movieId,rating,timestamp\n");
            StringBuilder line = new StringBuilder(64);
            for (int u = 0; u < users; u++) {
                // A few favourite genres (a sparse Dirichlet draw), a bias, and the years the user was active.
                double tasteSum = 0;
                for (int k = 0; k < g; k++) {
                    taste[k] = GENRE_WEIGHTS[k] * Math.pow(rnd.nextDouble(), 4);
                    tasteSum += taste[k];
                }
                double[] tasteCumulative = new double[g];
                double acc = 0;
                for (int k = 0; k < g; k++) {
                    acc += taste[k] / tasteSum;
                    tasteCumulative[k] = acc;
                }
                double userBias = 0.45 * gaussian();
                long start = FIRST_TIME + (long) (rnd.nextDouble() * (LAST_TIME - FIRST_TIME));
                long span = Math.min(LAST_TIME - start, (long) (86_400 * Math.exp(2 + 2 * rnd.nextDouble() * 2.5)));
                int[] chosen = new int[counts[u]];
                for (int n = 0; n < chosen.length; n++) {
                    int movie;
                    int tries = 0;
                    do {
                        tries++;
                        if (rnd.nextBoolean()) {
                            int k = search(tasteCumulative, rnd.nextDouble());
                            int[] in = genreMovies[k];
                            movie = in.length == 0 ? search(allCumulative, rnd.nextDouble() * allCumulative[allCumulative.length - 1])
                                    : in[search(genreCumulative[k], rnd.nextDouble() * genreCumulative[k][in.length - 1])];
                        } else {
                            movie = search(allCumulative, rnd.nextDouble() * allCumulative[allCumulative.length - 1]);
                        }
                    } while (seen[movie] && tries < 64);
                    if (seen[movie]) {
                        // A heavy user who exhausted a small genre: the next movie not yet rated, from anywhere.
                        movie = nextUnseen(seen, rnd.nextInt(seen.length));
                    }
                    seen[movie] = true;
                    chosen[n] = movie;
                }
                Arrays.sort(chosen);
                for (int movie : chosen) {
                    seen[movie] = false;
                    double affinity = 0;
                    for (int k : movieGenres[movie]) {
                        affinity = Math.max(affinity, taste[k] / tasteSum);
                    }
                    double score = 3.5 + userBias + movieBias[movie] + 1.5 * (affinity - 0.15) + 0.8 * gaussian();
                    int halves = (int) Math.max(1, Math.min(10, Math.round(score * 2)));
                    long time = start + (span == 0 ? 0 : (long) (rnd.nextDouble() * span));
                    line.setLength(0);
                    line.append(u + 1).append(',').append(movieIds[movie]).append(',').append(halves / 2).append('.')
                            .append(halves % 2 == 0 ? '0' : '5').append(',').append(time).append('\n');
                    w.append(line);
                }
            }
        }
    }

    /** Ratings per user: at least {@code min}, log-normal above it, at most {@code cap}, summing to {@code total}. */
    int[] activity(int users, long total, int min, int cap) {
        double[] raw = new double[users];
        double sum = 0;
        for (int u = 0; u < users; u++) {
            raw[u] = Math.exp(1.1 * gaussian());
            sum += raw[u];
        }
        int[] counts = new int[users];
        long assigned = 0;
        double extra = total - (long) min * users;
        for (int u = 0; u < users; u++) {
            counts[u] = (int) Math.min(cap, min + Math.floor(extra * raw[u] / sum));
            assigned += counts[u];
        }
        // Whatever rounding and the cap left over goes to users with room, one at a time, round robin.
        for (int u = 0; assigned < total; u = (u + 1) % users) {
            if (counts[u] < cap) {
                counts[u]++;
                assigned++;
            }
        }
        return counts;
    }

    private int[] drawGenres() {
        double total = Arrays.stream(GENRE_WEIGHTS).sum();
        int n = 1 + (rnd.nextInt(10) < 5 ? 0 : rnd.nextInt(3));
        int[] picked = new int[n];
        int count = 0;
        for (int tries = 0; count < n && tries < 20; tries++) {
            double x = rnd.nextDouble() * total;
            int k = 0;
            while (x >= GENRE_WEIGHTS[k]) {
                x -= GENRE_WEIGHTS[k];
                k++;
            }
            boolean dup = false;
            for (int j = 0; j < count; j++) {
                dup |= picked[j] == k;
            }
            if (!dup) {
                picked[count++] = k;
            }
        }
        int[] genres = Arrays.copyOf(picked, count);
        Arrays.sort(genres);
        return genres;
    }

    private int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double[] cumulative(double[] weights, int[] subset) {
        int n = subset == null ? weights.length : subset.length;
        double[] c = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += weights[subset == null ? i : subset[i]];
            c[i] = acc;
        }
        return c;
    }

    private static int nextUnseen(boolean[] seen, int from) {
        for (int i = 0; i < seen.length; i++) {
            int j = (from + i) % seen.length;
            if (!seen[j]) {
                return j;
            }
        }
        throw new IllegalStateException("every movie rated");
    }

    /** The first index whose cumulative value exceeds {@code x}. */
    private static int search(double[] cumulative, double x) {
        int i = Arrays.binarySearch(cumulative, x);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, cumulative.length - 1);
    }

    private double gaussian() {
        // Box-Muller; SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
