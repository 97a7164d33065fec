package io.recommender.training.model;

import java.util.List;
import java.util.Map;

/**
 * The best model of a run, as plain arrays, with the vectors of both heads: the rating head from the epoch with
 * the lowest validation RMSE ({@link #bestRatingEpoch}), the retrieval head and the exported user tower from the
 * epoch with the highest validation recall@10 ({@link #bestEpoch}).
 *
 * <p>Vectors are augmented so that one dot product gives the quantity each head predicts. Rating head
 * ({@link #ratingDimension} = embedding size + 2): user {@code [r_u, 1, user bias + global mean]}, item
 * {@code [r_i, item bias, 1]}, dot = predicted rating. Retrieval head ({@link #dimension} = embedding size
 * + 1): user {@code [u, 1]}, item {@code [q_i, item prior]}, dot = ranking score. The exported user tower
 * produces the retrieval user vectors; the bundle's item matrix holds the retrieval item vectors.
 */
public record TrainedModel(
        int ratingDimension,
        float[] ratingUsers,
        float[] ratingItems,
        int dimension,
        float[] userVectors,
        float[] itemVectors,
        Map<String, float[]> userTowerParameters,
        TowerShape userTowerShape,
        List<EpochReport> history,
        int bestEpoch,
        int bestRatingEpoch,
        String device) {

    /** What is needed to rebuild the user tower graph around {@link #userTowerParameters}. */
    public record TowerShape(int ids, int inputWidth, int embeddingSize, int historyLength, int items) {
        RetrievalTowers towers() {
            return new RetrievalTowers(ids, inputWidth, embeddingSize, historyLength, items);
        }
    }

    public int users() {
        return userVectors.length / dimension;
    }

    public int items() {
        return itemVectors.length / dimension;
    }

    /** Predicted rating, unclipped. */
    public float predict(int user, int item) {
        return Vectors.dot(ratingUsers, user * ratingDimension, ratingItems, item * ratingDimension, ratingDimension);
    }

    /** Ranking scores of every item for one user. */
    public float[] scores(int user) {
        float[] s = new float[items()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Vectors.dot(userVectors, user * dimension, itemVectors, i * dimension, dimension);
        }
        return s;
    }

    /**
     * @param trainLoss the rating head's mean training MSE, NaN once it has stopped
     * @param validationRmse the rating head's validation RMSE, NaN once it has stopped
     * @param validationRecall validation recall@10 of the retrieval head (training items excluded), NaN once it has
     *     stopped
     * @param ratingSeconds of {@code seconds}, the rating head's steps and validation RMSE (0 once it has stopped)
     * @param retrievalSeconds of {@code seconds}, the retrieval head's steps and validation recall (0 once stopped)
     */
    public record EpochReport(int epoch, double trainLoss, double validationRmse, double validationRecall,
            double seconds, double ratingSeconds, double retrievalSeconds) {
        public EpochReport(int epoch, double trainLoss, double validationRmse, double validationRecall,
                double seconds) {
            this(epoch, trainLoss, validationRmse, validationRecall, seconds, Double.NaN, Double.NaN);
        }
    }
}
