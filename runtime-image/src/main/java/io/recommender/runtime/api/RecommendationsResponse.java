package io.recommender.runtime.api;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code GET /v1/recommendations/{userId}} answer.
 *
 * @param fallback true when the model does not know the user and the items are the most rated ones; their
 *     score is then the training rating count rather than a predicted rating
 */
@Serdeable
public record RecommendationsResponse(int userId, String modelName, long modelVersion, boolean fallback,
        List<Item> items) {

    /** @param score the predicted rating (dot product of user and item embeddings) */
    @Serdeable
    public record Item(int movieId, String title, float score) {}
}
