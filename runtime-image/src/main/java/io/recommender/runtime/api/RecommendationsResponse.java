package io.recommender.runtime.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * {@code GET /v1/recommendations/{userId}} answer.
 *
 * @param fallback true when the model does not know the user and the items are the most rated ones; their
 *     score is then the training rating count rather than a predicted rating
 * @param stale {@code true} only when the live features could not be read (feature store down, slow or holding a
 *     corrupt value) and the answer comes from the bundle's features or popularity; absent otherwise
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecommendationsResponse(int userId, String modelName, long modelVersion, boolean fallback,
        List<Item> items, @Nullable Boolean stale) {

    /** @param score the predicted rating (dot product of user and item embeddings) */
    @Serdeable
    public record Item(int movieId, String title, float score) {}
}
