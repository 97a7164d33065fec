package io.recommender.training.eval;

/** Rating-prediction error. Predictions are clipped to the rating scale first, as any user of them would. */
public final class RatingMetrics {
    public static final float MIN_RATING = 0.5f;
    public static final float MAX_RATING = 5.0f;

    private RatingMetrics() {}

    public static double rmse(float[] predicted, float[] actual) {
        if (predicted.length != actual.length || actual.length == 0) {
            throw new IllegalArgumentException("need equally many, and some, predictions and ratings");
        }
        double sq = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = clip(predicted[i]) - actual[i];
            sq += e * e;
        }
        return Math.sqrt(sq / actual.length);
    }

    public static float clip(float rating) {
        return Math.max(MIN_RATING, Math.min(MAX_RATING, rating));
    }
}
