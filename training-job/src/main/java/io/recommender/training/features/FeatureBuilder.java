package io.recommender.training.features;

import io.recommender.training.data.Movie;
import io.recommender.training.data.Ratings;
import java.util.List;

/**
 * Builds tower inputs from the training ratings only, so nothing about validation or test ratings leaks
 * into the features.
 *
 * <p>User row: index, log(1 + rating count), mean rating, and the user's mean rating per genre (shrunk
 * towards the user's overall mean, so one rating does not make a strong genre taste). Item row: index,
 * genre flags, release year and whether it is known, log(1 + training rating count). Numeric columns are
 * standardised to mean 0 and standard deviation 1, which keeps the dense layers well conditioned.
 *
 * <p>With a history length {@code h > 0}, each user row goes on with the user's training items: {@code h} item
 * indices (as floats), then {@code h} weights, one per item ({@link #historyWeight}); unused slots hold index 0
 * with weight 0. A user with more than {@code h} training items keeps the {@code h} with the highest weight (ties:
 * the lower item index). The user tower averages the items' embeddings with these weights.
 */
public final class FeatureBuilder {
    /** The MovieLens genres, in the order of the feature columns. */
    public static final List<String> GENRES = List.of("Action", "Adventure", "Animation", "Children", "Comedy",
            "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery",
            "Romance", "Sci-Fi", "Thriller", "War", "Western");
    public static final int USER_WIDTH = 3 + GENRES.size();
    public static final int ITEM_WIDTH = 1 + GENRES.size() + 3;
    /** Pseudo-count of the user's overall mean mixed into each genre mean. */
    static final float GENRE_SHRINKAGE = 2f;
    static final int MAX_EXACT_INDEX = 1 << 24;

    private FeatureBuilder() {}

    public static Features build(Ratings ratings, int[] train) {
        return build(ratings, train, 0);
    }

    /** The weight of a rated item in the user's history bag: higher ratings count more, none counts zero. */
    public static float historyWeight(float rating) {
        return rating / 5f;
    }

    public static Features build(Ratings ratings, int[] train, int historyLength) {
        Features f = buildSide(ratings, train);
        if (historyLength <= 0) {
            return f;
        }
        int users = ratings.userCount();
        int side = f.userWidth();
        int width = side + 2 * historyLength;
        int[] count = new int[users + 1];
        for (int r : train) {
            count[ratings.user(r) + 1]++;
        }
        for (int u = 0; u < users; u++) {
            count[u + 1] += count[u];
        }
        long[] packed = new long[train.length];
        int[] fill = java.util.Arrays.copyOf(count, users);
        for (int r : train) {
            // Sort key: weight descending (as half-stars), then item index ascending.
            packed[fill[ratings.user(r)]++] = ((long) (10 - Math.round(ratings.rating(r) * 2)) << 32) | ratings.item(r);
        }
        float[] rows = new float[users * width];
        for (int u = 0; u < users; u++) {
            System.arraycopy(f.userRows(), u * side, rows, u * width, side);
            java.util.Arrays.sort(packed, count[u], count[u + 1]);
            int n = Math.min(historyLength, count[u + 1] - count[u]);
            for (int k = 0; k < n; k++) {
                long p = packed[count[u] + k];
                rows[u * width + side + k] = (int) p;
                rows[u * width + side + historyLength + k] = historyWeight((10 - (int) (p >>> 32)) / 2f);
            }
        }
        return new Features(rows, width, f.itemRows(), f.itemWidth());
    }

    private static Features buildSide(Ratings ratings, int[] train) {
        int users = ratings.userCount();
        int items = ratings.itemCount();
        if (users >= MAX_EXACT_INDEX || items >= MAX_EXACT_INDEX) {
            throw new IllegalArgumentException("more than 2^24 users or items cannot be indexed through float inputs");
        }
        int genres = GENRES.size();
        int[][] itemGenres = new int[items][];
        for (int i = 0; i < items; i++) {
            itemGenres[i] = genreColumns(ratings.movie(i));
        }

        double[] userSum = new double[users];
        int[] userCount = new int[users];
        double[] genreSum = new double[users * genres];
        int[] genreCount = new int[users * genres];
        int[] itemCount = new int[items];
        double total = 0;
        for (int r : train) {
            int u = ratings.user(r);
            int i = ratings.item(r);
            float y = ratings.rating(r);
            userSum[u] += y;
            userCount[u]++;
            itemCount[i]++;
            total += y;
            for (int g : itemGenres[i]) {
                genreSum[u * genres + g] += y;
                genreCount[u * genres + g]++;
            }
        }
        double globalMean = train.length == 0 ? 0 : total / train.length;

        float[] userRows = new float[users * USER_WIDTH];
        for (int u = 0; u < users; u++) {
            int o = u * USER_WIDTH;
            double mean = userCount[u] == 0 ? globalMean : userSum[u] / userCount[u];
            userRows[o] = u;
            userRows[o + 1] = (float) Math.log1p(userCount[u]);
            userRows[o + 2] = (float) mean;
            for (int g = 0; g < genres; g++) {
                int k = u * genres + g;
                userRows[o + 3 + g] = (float) ((genreSum[k] + GENRE_SHRINKAGE * mean) / (genreCount[k] + GENRE_SHRINKAGE));
            }
        }
        standardise(userRows, USER_WIDTH, 1, USER_WIDTH);

        float[] itemRows = new float[items * ITEM_WIDTH];
        for (int i = 0; i < items; i++) {
            int o = i * ITEM_WIDTH;
            itemRows[o] = i;
            for (int g : itemGenres[i]) {
                itemRows[o + 1 + g] = 1f;
            }
            int year = ratings.movie(i).year();
            itemRows[o + 1 + genres] = year;
            itemRows[o + 2 + genres] = year > 0 ? 1f : 0f;
            itemRows[o + 3 + genres] = (float) Math.log1p(itemCount[i]);
        }
        imputeUnknownYears(itemRows, 1 + genres);
        standardise(itemRows, ITEM_WIDTH, 1 + genres, ITEM_WIDTH);
        return new Features(userRows, USER_WIDTH, itemRows, ITEM_WIDTH);
    }

    static int[] genreColumns(Movie movie) {
        return movie.genres().stream().mapToInt(GENRES::indexOf).filter(g -> g >= 0).toArray();
    }

    /** Movies without a year get the mean year, and the "year known" flag says so. */
    private static void imputeUnknownYears(float[] rows, int col) {
        int width = ITEM_WIDTH;
        double sum = 0;
        int n = 0;
        for (int o = 0; o < rows.length; o += width) {
            if (rows[o + col] > 0) {
                sum += rows[o + col];
                n++;
            }
        }
        float mean = n == 0 ? 0f : (float) (sum / n);
        for (int o = 0; o < rows.length; o += width) {
            if (rows[o + col] == 0) {
                rows[o + col] = mean;
            }
        }
    }

    /** Standardises columns {@code [from, to)} in place; constant columns become 0. */
    static void standardise(float[] rows, int width, int from, int to) {
        int n = rows.length / width;
        for (int c = from; c < to; c++) {
            double sum = 0;
            double sq = 0;
            for (int r = 0; r < n; r++) {
                double v = rows[r * width + c];
                sum += v;
                sq += v * v;
            }
            double mean = sum / n;
            double std = Math.sqrt(Math.max(sq / n - mean * mean, 0));
            for (int r = 0; r < n; r++) {
                rows[r * width + c] = std < 1e-9 ? 0f : (float) ((rows[r * width + c] - mean) / std);
            }
        }
    }
}
