package io.recommender.featurestore;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The one transformation from a user's raw {@link UserState} to the user tower's input row, used by training
 * (offline, on the states its ratings replay into) and by the service (online, on the state Redis holds), so the
 * two cannot drift. Its {@link Parameters} are fitted once by training and stored in the bundle's manifest.
 *
 * <p>A row is {@code [index, side features..., h item indices, h weights]}:
 * <ul>
 *   <li>column 0: the user's dense index, or {@link Parameters#oovIndex} for a user the model never saw;</li>
 *   <li>columns 1..{@value #SIDE_FEATURES}: log(1 + rating count), mean rating, and the mean rating per genre of
 *       {@link Genres} shrunk towards the user's mean (pseudo-count {@link Parameters#genreShrinkage}), each
 *       standardised with the fitted column mean and standard deviation (a constant column becomes 0);</li>
 *   <li>the history: of the state's rated movies the model knows, the {@code h} with the highest rating (ties:
 *       the lower item index), as item indices (floats, exact below 2^24) and weights rating / 5; empty slots
 *       hold index 0 and weight 0.</li>
 * </ul>
 * Arithmetic is fixed (float raw values, double standardisation, one float rounding), so the same state and
 * parameters give the same row bit for bit on any machine.
 */
public final class UserFeatures {
    /** Side feature columns after the index: count, mean, one per genre. */
    public static final int SIDE_FEATURES = 2 + Genres.COUNT;
    /** Index column plus side features. */
    public static final int SIDE_WIDTH = 1 + SIDE_FEATURES;
    /** Pseudo-count of the user's overall mean mixed into each genre mean. */
    public static final double DEFAULT_GENRE_SHRINKAGE = 2.0;
    /** Float inputs are exact integers below this. */
    public static final int MAX_EXACT_INDEX = 1 << 24;

    /**
     * What training fitted, stored in the bundle's manifest.
     *
     * @param historyLength h, history slots per row (0: no history columns)
     * @param genreShrinkage pseudo-count of the overall mean in each genre mean
     * @param globalMean mean training rating, a user without ratings' mean
     * @param columnMean per side feature column (count, mean, genres): the mean it is standardised with
     * @param columnStd per side feature column: the standard deviation (below 1e-9: the column is constant, 0)
     * @param oovIndex the user index that stands for a user the model never saw (its embedding row is trained on
     *     a random share of examples)
     * @param maxHistory the rated movies a state keeps (newest first), which training applied too
     */
    public record Parameters(int historyLength, double genreShrinkage, double globalMean, double[] columnMean,
            double[] columnStd, int oovIndex, int maxHistory) {
        public Parameters {
            if (historyLength < 0 || columnMean.length != SIDE_FEATURES || columnStd.length != SIDE_FEATURES
                    || oovIndex < 0 || oovIndex >= MAX_EXACT_INDEX || maxHistory < 1) {
                throw new IllegalArgumentException("user feature parameters need history >= 0, " + SIDE_FEATURES
                        + " column means and deviations, an out-of-vocabulary index in [0, 2^24) and maxHistory >= 1");
            }
            columnMean = columnMean.clone();
            columnStd = columnStd.clone();
        }

        public int width() {
            return SIDE_WIDTH + 2 * historyLength;
        }

        @Override
        public double[] columnMean() {
            return columnMean.clone();
        }

        @Override
        public double[] columnStd() {
            return columnStd.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parameters p && historyLength == p.historyLength && oovIndex == p.oovIndex
                    && maxHistory == p.maxHistory && Double.compare(genreShrinkage, p.genreShrinkage) == 0
                    && Double.compare(globalMean, p.globalMean) == 0 && Arrays.equals(columnMean, p.columnMean)
                    && Arrays.equals(columnStd, p.columnStd);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(columnMean) * 31 + historyLength;
        }

        @Override
        public String toString() {
            return "UserFeatures.Parameters[history=" + historyLength + ", oovIndex=" + oovIndex + ", maxHistory="
                    + maxHistory + "]";
        }
    }

    private final Parameters p;
    private final double[] mean;
    private final double[] std;

    public UserFeatures(Parameters parameters) {
        this.p = parameters;
        this.mean = parameters.columnMean();
        this.std = parameters.columnStd();
    }

    public Parameters parameters() {
        return p;
    }

    public int width() {
        return p.width();
    }

    /** The unstandardised side features of a state ({@link #SIDE_FEATURES} of them). */
    public static float[] rawSide(UserState s, double globalMean, double genreShrinkage) {
        float[] out = new float[SIDE_FEATURES];
        double mean = s.count() == 0 ? globalMean : s.sumHalfStars() / 2.0 / s.count();
        out[0] = (float) Math.log1p(s.count());
        out[1] = (float) mean;
        for (int g = 0; g < Genres.COUNT; g++) {
            out[2 + g] = (float) ((s.genreSumHalfStars(g) / 2.0 + genreShrinkage * mean)
                    / (s.genreCount(g) + genreShrinkage));
        }
        return out;
    }

    /**
     * Fits the standardisation on training's states (every known user, in user index order).
     *
     * @param oovIndex the index reserved for unknown users (training uses the number of known users)
     */
    public static Parameters fit(List<UserState> states, double globalMean, int historyLength, int oovIndex,
            int maxHistory) {
        double[] sum = new double[SIDE_FEATURES];
        double[] sq = new double[SIDE_FEATURES];
        for (UserState s : states) {
            float[] raw = rawSide(s, globalMean, DEFAULT_GENRE_SHRINKAGE);
            for (int c = 0; c < SIDE_FEATURES; c++) {
                double v = raw[c];
                sum[c] += v;
                sq[c] += v * v;
            }
        }
        int n = states.size();
        double[] mean = new double[SIDE_FEATURES];
        double[] std = new double[SIDE_FEATURES];
        for (int c = 0; c < SIDE_FEATURES; c++) {
            mean[c] = n == 0 ? 0 : sum[c] / n;
            std[c] = n == 0 ? 0 : Math.sqrt(Math.max(sq[c] / n - mean[c] * mean[c], 0));
        }
        return new Parameters(historyLength, DEFAULT_GENRE_SHRINKAGE, globalMean, mean, std, oovIndex, maxHistory);
    }

    /**
     * Writes the user's row into {@code out} ({@link #width()} floats).
     *
     * @param userIndex the user's index in the model, or -1 for a user it never saw
     * @param itemIndex movie id -> the model's item index, or -1 for a movie it does not know (left out)
     */
    public void row(UserState s, int userIndex, IntUnaryOperator itemIndex, float[] out) {
        if (out.length != width()) {
            throw new IllegalArgumentException("row of width " + out.length + ", expected " + width());
        }
        out[0] = userIndex < 0 ? p.oovIndex() : userIndex;
        float[] raw = rawSide(s, p.globalMean(), p.genreShrinkage());
        for (int c = 0; c < SIDE_FEATURES; c++) {
            out[1 + c] = std[c] < 1e-9 ? 0f : (float) ((raw[c] - mean[c]) / std[c]);
        }
        int h = p.historyLength();
        if (h == 0) {
            return;
        }
        Arrays.fill(out, SIDE_WIDTH, out.length, 0f);
        List<RatedItem> items = s.items();
        // Sort key: rating descending (as 10 - half-stars), then item index ascending.
        long[] packed = new long[items.size()];
        int n = 0;
        for (RatedItem item : items) {
            int index = itemIndex.applyAsInt(item.movieId());
            if (index >= 0) {
                packed[n++] = ((long) (Event.MAX_HALF_STARS - item.halfStars()) << 32) | index;
            }
        }
        Arrays.sort(packed, 0, n);
        int k = Math.min(h, n);
        for (int j = 0; j < k; j++) {
            long key = packed[j];
            out[SIDE_WIDTH + j] = (int) key;
            out[SIDE_WIDTH + h + j] = historyWeight((Event.MAX_HALF_STARS - (int) (key >>> 32)) / 2f);
        }
    }

    public float[] row(UserState s, int userIndex, IntUnaryOperator itemIndex) {
        float[] out = new float[width()];
        row(s, userIndex, itemIndex, out);
        return out;
    }

    /** The weight of a rated movie in the history bag: higher ratings count more. */
    public static float historyWeight(float rating) {
        return rating / 5f;
    }
}
