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
        String finishedAt) {}
