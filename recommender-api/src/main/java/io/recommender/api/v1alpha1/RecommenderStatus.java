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
        FeatureStoreStatus features,
        @JsonPropertyDescription("With model.training.schedule: the last and next tick, the run a tick started and "
                + "why the last tick trained nothing.")
        ScheduleStatus schedule,
        @JsonPropertyDescription("With slo.analysis: how the stable version fares on live traffic since its promotion.")
        AnalysisStatus analysis) {

    public RecommenderStatus(Long observedGeneration, Phase phase, List<Condition> conditions, ModelVersion stable,
            ModelVersion candidate, LoadTestSummary lastLoadTest, List<ModelVersion> history, String rejectedSpecHash,
            String retryToken, FeatureStoreStatus features, ScheduleStatus schedule) {
        this(observedGeneration, phase, conditions, stable, candidate, lastLoadTest, history, rejectedSpecHash,
                retryToken, features, schedule, null);
    }

    public RecommenderStatus(Long observedGeneration, Phase phase, List<Condition> conditions, ModelVersion stable,
            ModelVersion candidate, LoadTestSummary lastLoadTest, List<ModelVersion> history, String rejectedSpecHash,
            String retryToken) {
        this(observedGeneration, phase, conditions, stable, candidate, lastLoadTest, history, rejectedSpecHash,
                retryToken, null, null, null);
    }

    public RecommenderStatus(Long observedGeneration, Phase phase, List<Condition> conditions, ModelVersion stable,
            ModelVersion candidate, LoadTestSummary lastLoadTest, List<ModelVersion> history, String rejectedSpecHash,
            String retryToken, FeatureStoreStatus features) {
        this(observedGeneration, phase, conditions, stable, candidate, lastLoadTest, history, rejectedSpecHash,
                retryToken, features, null, null);
    }

    /**
     * The live analysis of a promoted version.
     *
     * @param version the model version judged
     * @param until when the analysis ends (RFC 3339)
     * @param nextCheck when the pods' metrics are read next (RFC 3339)
     * @param intervals intervals judged so far (with enough requests)
     * @param failedIntervals of those, the ones that missed the SLO
     * @param verdict Running, Passed, or RolledBack
     * @param last what the latest interval measured, or why it could not be judged
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AnalysisStatus(
            @JsonPropertyDescription("The model version judged.")
            String version,
            @JsonPropertyDescription("When the analysis ends (RFC 3339).")
            String until,
            @JsonPropertyDescription("When the pods' metrics are read next (RFC 3339).")
            String nextCheck,
            @JsonPropertyDescription("Intervals judged so far (those with enough requests).")
            Integer intervals,
            @JsonPropertyDescription("Judged intervals that missed the SLO.")
            Integer failedIntervals,
            @JsonPropertyDescription("Running, Passed or RolledBack.")
            String verdict,
            @JsonPropertyDescription("What the latest interval measured, or why it could not be judged.")
            String last,
            @JsonPropertyDescription("The latest judged interval's p99 on live traffic, ms: the upper bound of the "
                    + "histogram bucket that holds it (absent beyond the largest bucket).")
            Double p99Ms) {
        public AnalysisStatus(String version, String until, String nextCheck, Integer intervals,
                Integer failedIntervals, String verdict, String last) {
            this(version, until, nextCheck, intervals, failedIntervals, verdict, last, null);
        }
    }

    /**
     * A training schedule's state. A run is a training of the spec's version on the data as it is at a tick:
     * {@code run} (the tick's time) makes its training Job and version new though the spec is unchanged.
     *
     * @param schedule the cron expression and time zone these ticks were computed from
     * @param lastTick the latest tick acted on (a run started, or skipped with {@code skipped})
     * @param nextTick when the next tick is due
     * @param run the tick whose run the version {@code runVersion} trains (null before the first run)
     * @param runVersion the spec hash of the version the run retrains; another spec ignores the run
     * @param dataFingerprint the dataset's fingerprint when the last run started, or when the schedule was set
     * @param skipped why the latest tick trained nothing (null when it started a run)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScheduleStatus(
            @JsonPropertyDescription("The cron expression and time zone the ticks were computed from.")
            String schedule,
            @JsonPropertyDescription("The latest tick acted on (RFC 3339).")
            String lastTick,
            @JsonPropertyDescription("When the next tick is due (RFC 3339).")
            String nextTick,
            @JsonPropertyDescription("The tick of the latest run (RFC 3339): its training Job and version are new "
                    + "though the spec is unchanged.")
            String run,
            @JsonPropertyDescription("Spec hash of the version the latest run retrains.")
            String runVersion,
            @JsonPropertyDescription("The dataset's fingerprint when the latest run started (or the schedule was set).")
            String dataFingerprint,
            @JsonPropertyDescription("Why the latest tick trained nothing, e.g. the data did not change.")
            String skipped) {}

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
