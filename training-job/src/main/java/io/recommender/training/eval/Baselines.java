package io.recommender.training.eval;

import io.recommender.training.data.Ratings;

/**
 * The baselines every model run is compared with, fitted on the same training ratings: the global mean,
 * regularised user and item biases (Koren's baseline predictor, fitted by alternating least squares as
 * scikit-surprise's BaselineOnly does, with the two regularisation weights chosen on the validation ratings), and
 * most-popular ranking.
 */
public final class Baselines {
    static final double ITEM_REG = 10;
    static final double USER_REG = 15;
    static final int BIAS_SWEEPS = 10;
    /** Regularisation weights tried for items and for users when validation ratings are given. */
    static final double[] REG_GRID = {2, 5, 10, 15, 25};

    private final double globalMean;
    private final double[] userBias;
    private final double[] itemBias;
    private final float[] popularity;

    private Baselines(double globalMean, double[] userBias, double[] itemBias, float[] popularity) {
        this.globalMean = globalMean;
        this.userBias = userBias;
        this.itemBias = itemBias;
        this.popularity = popularity;
    }

    public static Baselines fit(Ratings ratings, int[] train) {
        return fit(ratings, train, ITEM_REG, USER_REG);
    }

    /** Fits on {@code train}, with the regularisation weights of {@link #REG_GRID} that do best on {@code validation}. */
    public static Baselines fit(Ratings ratings, int[] train, int[] validation) {
        Baselines best = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        float[] actual = new float[validation.length];
        for (int j = 0; j < validation.length; j++) {
            actual[j] = ratings.rating(validation[j]);
        }
        for (double itemReg : REG_GRID) {
            for (double userReg : REG_GRID) {
                Baselines b = fit(ratings, train, itemReg, userReg);
                float[] predicted = new float[validation.length];
                for (int j = 0; j < validation.length; j++) {
                    predicted[j] = b.predictBias(ratings.user(validation[j]), ratings.item(validation[j]));
                }
                double rmse = RatingMetrics.rmse(predicted, actual);
                if (rmse < bestRmse) {
                    bestRmse = rmse;
                    best = b;
                }
            }
        }
        return best;
    }

    static Baselines fit(Ratings ratings, int[] train, double itemReg, double userReg) {
        double sum = 0;
        float[] popularity = new float[ratings.itemCount()];
        for (int r : train) {
            sum += ratings.rating(r);
            popularity[ratings.item(r)]++;
        }
        double mu = sum / train.length;
        double[] bu = new double[ratings.userCount()];
        double[] bi = new double[ratings.itemCount()];
        double[] acc = new double[Math.max(bu.length, bi.length)];
        int[] cnt = new int[acc.length];
        for (int sweep = 0; sweep < BIAS_SWEEPS; sweep++) {
            java.util.Arrays.fill(acc, 0);
            java.util.Arrays.fill(cnt, 0);
            for (int r : train) {
                int i = ratings.item(r);
                acc[i] += ratings.rating(r) - mu - bu[ratings.user(r)];
                cnt[i]++;
            }
            for (int i = 0; i < bi.length; i++) {
                bi[i] = acc[i] / (itemReg + cnt[i]);
            }
            java.util.Arrays.fill(acc, 0);
            java.util.Arrays.fill(cnt, 0);
            for (int r : train) {
                int u = ratings.user(r);
                acc[u] += ratings.rating(r) - mu - bi[ratings.item(r)];
                cnt[u]++;
            }
            for (int u = 0; u < bu.length; u++) {
                bu[u] = acc[u] / (userReg + cnt[u]);
            }
        }
        return new Baselines(mu, bu, bi, popularity);
    }

    public double globalMean() {
        return globalMean;
    }

    public float predictGlobalMean() {
        return (float) globalMean;
    }

    public float predictBias(int user, int item) {
        return (float) (globalMean + userBias[user] + itemBias[item]);
    }

    /** Training rating count per item: the most-popular scorer, and the bundle's fallback ranking. */
    public float[] popularity() {
        return popularity;
    }

    public Results evaluate(Evaluation eval, Ratings ratings, int[] test) {
        float[] mean = new float[test.length];
        float[] bias = new float[test.length];
        for (int j = 0; j < test.length; j++) {
            mean[j] = predictGlobalMean();
            bias[j] = predictBias(ratings.user(test[j]), ratings.item(test[j]));
        }
        Evaluation.Ranking popular = eval.ranking(u -> popularity);
        return new Results(eval.rmse(mean), eval.rmse(bias), popular.recallAt10(), popular.ndcgAt10());
    }

    public record Results(double globalMeanRmse, double userItemBiasRmse, double mostPopularRecallAt10,
            double mostPopularNdcgAt10) {}
}
