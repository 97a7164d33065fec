package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Where a Recommender stands: the record each reconcile starts from. Written by the operator only when it
 * changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecommenderStatus(
        @JsonPropertyDescription("The spec generation this status describes.")
        Long observedGeneration,
        @JsonPropertyDescription("Pending, Training, Packaging, Deploying, Verifying, Ready or Failed.")
        Phase phase,
        @JsonPropertyDescription("Ready, Progressing, Degraded, and one per pipeline step: Trained, ImagesReady, "
                + "Deployed, LatencyVerified, and FeaturesReady with a Redis feature store.")
        List<Condition> conditions,
        @JsonPropertyDescription("The version serving user traffic.")
        ModelVersion stable,
        @JsonPropertyDescription("The version being trained, deployed or verified.")
        ModelVersion candidate,
        @JsonPropertyDescription("The latest load test of a candidate and its verdict.")
        LoadTestSummary lastLoadTest,
        @JsonPropertyDescription("Versions promoted before the stable one, newest first, for rollback.")
        List<ModelVersion> history,
        @JsonPropertyDescription("Spec hash of a version that failed training or the latency gate; it is not tried "
                + "again until the spec changes or the recommender.io/retry annotation gets a new value.")
        String rejectedSpecHash,
        @JsonPropertyDescription("The recommender.io/retry annotation value of the latest attempt.")
        String retryToken,
        @JsonPropertyDescription("With features.source Redis: the feature store's initial load (absent for Bundle).")
        FeatureStoreStatus features) {

    public RecommenderStatus(Long observedGeneration, Phase phase, List<Condition> conditions, ModelVersion stable,
            ModelVersion candidate, LoadTestSummary lastLoadTest, List<ModelVersion> history, String rejectedSpecHash,
            String retryToken) {
        this(observedGeneration, phase, conditions, stable, candidate, lastLoadTest, history, rejectedSpecHash,
                retryToken, null);
    }

    /**
     * The Redis feature store as last loaded. Its address never holds a password.
     *
     * @param loadHash hash of the data, address and prefix of the load; a new one runs the load again
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeatureStoreStatus(
            @JsonPropertyDescription("Redis's address (no password).")
            String address,
            @JsonPropertyDescription("The key prefix.")
            String prefix,
            @JsonPropertyDescription("Hash of the loaded data, address and prefix; the load runs again when it changes.")
            String loadHash,
            @JsonPropertyDescription("Users whose state the initial load wrote.")
            Long users,
            @JsonPropertyDescription("Ratings the initial load replayed.")
            Long ratings,
            @JsonPropertyDescription("When the initial load finished (RFC 3339).")
            String loadedAt) {}

    public enum Phase {
        Pending,
        Training,
        Packaging,
        Deploying,
        Verifying,
        Ready,
        Failed
    }
}
