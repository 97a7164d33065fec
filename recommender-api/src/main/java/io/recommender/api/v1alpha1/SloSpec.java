package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The load a candidate version is tested with, and what it must meet to be promoted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.latency.all(a, self.latency.exists_one(b, b.percentile == a.percentile))",
        message = "each latency percentile may appear once", fieldPath = ".latency")
public record SloSpec(
        @Required @Size(min = 1, max = 4)
        @JsonPropertyDescription("Latency targets, e.g. [{percentile: 99, maxMs: 25}].")
        List<LatencyTarget> latency,
        @Default("0.01") @Min(0) @Max(1) @JsonPropertyDescription("Largest share of failed requests, 0..1.")
        Double maxErrorRate,
        @Default("50") @Min(1) @Max(100000) @JsonPropertyDescription("Request rate of the load test.")
        Integer requestsPerSecond,
        @Default("8") @Min(1) @Max(1000) @JsonPropertyDescription("Concurrent users of the load test.")
        Integer concurrency,
        @Default("30s") @Pattern("^([1-9][0-9]*(s|m))+$")
        @JsonPropertyDescription("How long the load test runs, e.g. 30s, 2m, 1m30s.")
        String duration,
        @Default("5s") @Pattern("^(0s|([1-9][0-9]*(s|m))+)$")
        @JsonPropertyDescription("Load before the measured duration, not judged: a new version's JIT compilation, "
                + "caches and connections warm up, as they have in a version that serves traffic. 0s to judge "
                + "from the first request.")
        String warmup) {

    /** The load generator reports Locust's p50, p90, p95 and p99, so those are the percentiles a target may name. */
    @ValidationRule(value = "self.percentile in [50.0, 90.0, 95.0, 99.0]",
            message = "percentile must be one of 50, 90, 95, 99", fieldPath = ".percentile")
    public record LatencyTarget(
            @Required @Min(value = 50) @Max(value = 99)
            @JsonPropertyDescription("Percentile: 50, 90, 95 or 99.")
            Double percentile,
            @Required @Min(value = 0, inclusive = false) @Max(60000)
            @JsonPropertyDescription("Largest acceptable latency at that percentile, in milliseconds.")
            Double maxMs) {}
}
