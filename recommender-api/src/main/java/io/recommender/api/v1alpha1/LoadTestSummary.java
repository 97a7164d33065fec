package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Figures and verdict of one load test, as reported by the load-test Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadTestSummary(
        @JsonPropertyDescription("The model version tested.")
        String modelVersion,
        @JsonPropertyDescription("Passed or Failed.")
        String verdict,
        @JsonPropertyDescription("Why, naming the figure and the target.")
        String reason,
        Long requests,
        Long failures,
        Double requestsPerSecond,
        Double p50Ms,
        Double p95Ms,
        Double p99Ms,
        Double maxMs,
        Double errorRate,
        @JsonPropertyDescription("The SLO's p99 target, for kubectl get.")
        Double sloP99Ms,
        @JsonPropertyDescription("When the test finished (RFC 3339).")
        String finishedAt,
        @JsonPropertyDescription("Share of the successful requests answered from the recommender's result cache, "
                + "0..1; absent when the service did not say (an image without the X-Recommender-Cache header).")
        Double cacheHitShare,
        @JsonPropertyDescription("p99 of the answers the model computed (result-cache misses), ms.")
        Double computedP99Ms) {

    /** A summary without the cache split (reports of services that do not say where an answer came from). */
    public LoadTestSummary(String modelVersion, String verdict, String reason, Long requests, Long failures,
            Double requestsPerSecond, Double p50Ms, Double p95Ms, Double p99Ms, Double maxMs, Double errorRate,
            Double sloP99Ms, String finishedAt) {
        this(modelVersion, verdict, reason, requests, failures, requestsPerSecond, p50Ms, p95Ms, p99Ms, maxMs,
                errorRate, sloP99Ms, finishedAt, null, null);
    }
}
