package io.recommender.training.model;

import java.util.List;
import java.util.Map;

/**
 * The best model of a run (lowest validation RMSE), as plain arrays, with the vectors of both heads.
 *
 * <p>Vectors are augmented so that one dot product gives the quantity each head predicts. Rating head
 * ({@link #ratingDimension} = embedding size + 2): user {@code [r_u, 1, user bias + global mean]}, item
 * {@code [r_i, item bias, 1]}, dot = predicted rating. Retrieval head ({@link #dimension} = embedding size
 * + 1): user {@code [q_u, 1]}, item {@code [q_i, item prior]}, dot = ranking score. The exported user tower
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
        String device) {

    /** What is needed to rebuild the user tower graph around {@link #userTowerParameters}. */
    public record TowerShape(int ids, int inputWidth, int embeddingSize, int[] hidden) {
        Tower tower() {
            return new Tower("user", ids, inputWidth, embeddingSize, hidden, false);
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

    public record EpochReport(int epoch, double trainLoss, double validationRmse, double seconds) {}
}
