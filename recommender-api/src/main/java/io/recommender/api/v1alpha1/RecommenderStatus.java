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
                + "Deployed, LatencyVerified.")
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
        String retryToken) {

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
