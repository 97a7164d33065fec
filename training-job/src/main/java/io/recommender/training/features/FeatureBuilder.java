package io.recommender.training.features;

import io.recommender.featurestore.Event;
import io.recommender.featurestore.Genres;
import io.recommender.featurestore.UserFeatures;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.training.data.Movie;
import io.recommender.training.data.Ratings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Builds tower inputs from the training ratings only, so nothing about validation or test ratings leaks
 * into the features.
 *
 * <p>User rows come from the feature store's one transformation, {@link UserFeatures}: the training ratings are
 * replayed into each user's raw {@link UserState} (the rules the feature store applies to live events, including
 * keeping only the newest {@code maxHistory} movies), the standardisation is fitted on those states, and each row is
 * what {@link UserFeatures#row} makes of the user's state, exactly as the service makes it from the state in Redis.
 * So a user's row is index, log(1 + rating count), mean rating, the mean rating per genre shrunk towards the
 * user's mean, standardised, then (with a history length {@code h > 0}) the user's {@code h} highest-rated
 * movies as item indices and weights ({@link #historyWeight}).
 *
 * <p>Item row: index, genre flags, release year and whether it is known, log(1 + training rating count), the
 * numeric columns standardised to mean 0 and standard deviation 1.
 */
public final class FeatureBuilder {
    /** The MovieLens genres, in the order of the feature columns: the feature store's list. */
    public static final List<String> GENRES = Genres.ALL;
    public static final int USER_WIDTH = UserFeatures.SIDE_WIDTH;
    public static final int ITEM_WIDTH = 1 + GENRES.size() + 3;
    static final int MAX_EXACT_INDEX = UserFeatures.MAX_EXACT_INDEX;

    private FeatureBuilder() {}

    public static Features build(Ratings ratings, int[] train) {
        return build(ratings, train, 0);
    }

    /** The weight of a rated item in the user's history bag: higher ratings count more, none counts zero. */
    public static float historyWeight(float rating) {
        return UserFeatures.historyWeight(rating);
    }

    public static Features build(Ratings ratings, int[] train, int historyLength) {
        return build(ratings, train, historyLength, UserStates.DEFAULT_MAX_HISTORY);
    }

    /** @param maxHistory rated movies a user's state keeps (newest first), as the feature store is configured */
    public static Features build(Ratings ratings, int[] train, int historyLength, int maxHistory) {
        int users = ratings.userCount();
        int items = ratings.itemCount();
        if (users >= MAX_EXACT_INDEX || items >= MAX_EXACT_INDEX) {
            throw new IllegalArgumentException("more than 2^24 users or items cannot be indexed through float inputs");
        }
        List<UserState> states = trainingStates(ratings, train, maxHistory);
        double total = 0;
        for (int r : train) {
            total += ratings.rating(r);
        }
        double globalMean = train.length == 0 ? 0 : total / train.length;
        // The index after the known users' is the out-of-vocabulary one: users the model never saw.
        UserFeatures transform = new UserFeatures(UserFeatures.fit(states, globalMean, historyLength, users, maxHistory));
        int width = transform.width();
        Map<Integer, Integer> itemIndex = new HashMap<>(items * 2);
        for (int i = 0; i < items; i++) {
            itemIndex.put(ratings.movie(i).movieId(), i);
        }
        IntUnaryOperator index = movie -> itemIndex.getOrDefault(movie, -1);
        float[] rows = new float[users * width];
        float[] row = new float[width];
        for (int u = 0; u < users; u++) {
            transform.row(states.get(u), u, index, row);
            System.arraycopy(row, 0, rows, u * width, width);
        }
        float[] itemRows = itemRows(ratings, train);
        return new Features(rows, width, itemRows, ITEM_WIDTH, transform.parameters());
    }

    /**
     * Every user's state after their training ratings, in user index order (a user without one: the empty state),
     * replayed oldest first as the events would have arrived.
     */
    public static List<UserState> trainingStates(Ratings ratings, int[] train, int maxHistory) {
        List<Event> events = new ArrayList<>(train.length);
        int[] masks = new int[ratings.itemCount()];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = Genres.mask(ratings.movie(i).genres());
        }
        for (int r : train) {
            int i = ratings.item(r);
            events.add(new Event(ratings.userId(ratings.user(r)), ratings.movie(i).movieId(), ratings.halfStars(r),
                    ratings.time(r), masks[i]));
        }
        Map<Integer, UserState> byId = UserStates.replay(events, maxHistory);
        List<UserState> out = new ArrayList<>(ratings.userCount());
        for (int u = 0; u < ratings.userCount(); u++) {
            int id = ratings.userId(u);
            out.add(byId.getOrDefault(id, UserState.empty(id)));
        }
        return out;
    }

    private static float[] itemRows(Ratings ratings, int[] train) {
        int items = ratings.itemCount();
        int genres = GENRES.size();
        int[] itemCount = new int[items];
        for (int r : train) {
            itemCount[ratings.item(r)]++;
        }
        float[] itemRows = new float[items * ITEM_WIDTH];
        for (int i = 0; i < items; i++) {
            int o = i * ITEM_WIDTH;
            itemRows[o] = i;
            for (int g : genreColumns(ratings.movie(i))) {
                itemRows[o + 1 + g] = 1f;
            }
            int year = ratings.movie(i).year();
            itemRows[o + 1 + genres] = year;
            itemRows[o + 2 + genres] = year > 0 ? 1f : 0f;
            itemRows[o + 3 + genres] = (float) Math.log1p(itemCount[i]);
        }
        imputeUnknownYears(itemRows, 1 + genres);
        standardise(itemRows, ITEM_WIDTH, 1 + genres, ITEM_WIDTH);
        return itemRows;
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
