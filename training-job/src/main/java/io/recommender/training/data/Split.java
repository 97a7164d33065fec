package io.recommender.training.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A per-user random split of the ratings into train, validation (early stopping) and test (held out,
 * never seen by training or early stopping). Each user with enough ratings contributes to test, and
 * every user keeps at least one training rating, so test users are never cold-start users.
 * The split depends only on the data and the seed.
 */
public final class Split {
    /** Users with fewer ratings than this put all of them into training. */
    static final int MIN_RATINGS_FOR_HOLDOUT = 5;

    private final int[] train;
    private final int[] validation;
    private final int[] test;

    private Split(int[] train, int[] validation, int[] test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    public static Split of(Ratings ratings, double testFraction, double validationFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1) || !(validationFraction > 0 && validationFraction < 1)
                || testFraction + validationFraction >= 1) {
            throw new IllegalArgumentException("test (" + testFraction + ") and validation (" + validationFraction
                    + ") fractions must be in (0, 1) and sum to less than 1");
        }
        int users = ratings.userCount();
        int[] count = new int[users + 1];
        for (int r = 0; r < ratings.size(); r++) {
            count[ratings.user(r) + 1]++;
        }
        for (int u = 0; u < users; u++) {
            count[u + 1] += count[u];
        }
        int[] byUser = new int[ratings.size()];
        int[] fill = Arrays.copyOf(count, users);
        for (int r = 0; r < ratings.size(); r++) {
            byUser[fill[ratings.user(r)]++] = r;
        }

        IntArray train = new IntArray();
        IntArray validation = new IntArray();
        IntArray test = new IntArray();
        SplittableRandom root = new SplittableRandom(seed);
        for (int u = 0; u < users; u++) {
            // One stream per user, taken in user order: adding a user does not reshuffle the others.
            SplittableRandom rnd = root.split();
            int from = count[u];
            int n = count[u + 1] - from;
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = byUser[from + i];
                byUser[from + i] = byUser[from + j];
                byUser[from + j] = t;
            }
            int nTest = n >= MIN_RATINGS_FOR_HOLDOUT ? (int) Math.round(n * testFraction) : 0;
            int nVal = n >= MIN_RATINGS_FOR_HOLDOUT ? (int) Math.round(n * validationFraction) : 0;
            nTest = Math.min(nTest, n - 1);
            nVal = Math.min(nVal, n - 1 - nTest);
            for (int i = 0; i < n; i++) {
                int r = byUser[from + i];
                (i < nTest ? test : i < nTest + nVal ? validation : train).add(r);
            }
        }
        if (test.size() == 0 || validation.size() == 0) {
            throw new IllegalArgumentException("too few ratings to hold out validation and test ratings: every user"
                    + " has fewer than " + MIN_RATINGS_FOR_HOLDOUT + " ratings, or the fractions round to zero");
        }
        return new Split(sorted(train), sorted(validation), sorted(test));
    }

    private static int[] sorted(IntArray a) {
        int[] v = a.toArray();
        Arrays.sort(v);
        return v;
    }

    /** Indices into {@link Ratings}, ascending. */
    public int[] train() {
        return train;
    }

    public int[] validation() {
        return validation;
    }

    public int[] test() {
        return test;
    }
}
