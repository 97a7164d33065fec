package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The load a candidate version is tested with, and what it must meet to be promoted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.latency.all(a, self.latency.exists_one(b, b.percentile == a.percentile))",
        message = "each latency percentile may appear once", fieldPath = ".latency")
@ValidationRule(value = "!has(self.duration) || (self.duration.matches('" + SloSpec.DURATION + "') && self.duration != ''"
        + " && duration(self.duration) > duration('0s') && duration(self.duration) <= duration('1h'))",
        fieldPath = ".duration", messageExpression = "'duration \"' + self.duration + '\" is not a duration like 30s, 2m "
                + "or 1m30s, more than 0s and at most 1h'")
@ValidationRule(value = "!has(self.warmup) || (self.warmup.matches('" + SloSpec.DURATION + "') && self.warmup != ''"
        + " && duration(self.warmup) <= duration('10m'))",
        fieldPath = ".warmup", messageExpression = "'warmup \"' + self.warmup + '\" is not a duration like 0s, 5s, 1m or "
                + "1m30s, at most 10m'")
public record SloSpec(
        // At most one target per percentile (a rule); maxItems only bounds the rules' cost, well above it, so that
        // five targets get that rule's message rather than a size error that stops every other rule.
        @Required @Size(min = 1, max = 8)
        @JsonPropertyDescription("Latency targets, one per percentile, e.g. [{percentile: 99, maxMs: 25}].")
        List<LatencyTarget> latency,
        @Default("0.01") @Min(0) @Max(1) @JsonPropertyDescription("Largest share of failed requests, 0..1.")
        Double maxErrorRate,
        @Default("50") @Min(1) @Max(100000) @JsonPropertyDescription("Request rate of the load test.")
        Integer requestsPerSecond,
        @Default("8") @Min(1) @Max(1000) @JsonPropertyDescription("Concurrent users of the load test.")
        Integer concurrency,
        @Default("30s") @Size(max = 16)
        @JsonPropertyDescription("How long the load test runs: hours, minutes and seconds, e.g. 30s, 2m, 1m30s; "
                + "more than 0s, at most 1h.")
        String duration,
        @Default("5s") @Size(max = 16)
        @JsonPropertyDescription("Load before the measured duration, not judged: a new version's JIT compilation, "
                + "caches and connections warm up, as they have in a version that serves traffic. 0s to judge "
                + "from the first request; at most 10m.")
        String warmup,
        @JsonPropertyDescription("Who the load test asks about: the candidate model's own users, drawn by their "
                + "training activity (default) or uniformly, and a share of users it has never seen.")
        TrafficSpec traffic,
        @JsonPropertyDescription("After a version is promoted, judge it on live traffic against the same latency "
                + "targets and error rate, read from its pods' own metrics, and roll back to the previous version "
                + "when it fails them.")
        AnalysisSpec analysis) {

    /** Compatibility with specs (and code) written before {@code traffic}: the default mix. */
    public SloSpec(List<LatencyTarget> latency, Double maxErrorRate, Integer requestsPerSecond, Integer concurrency,
            String duration, String warmup) {
        this(latency, maxErrorRate, requestsPerSecond, concurrency, duration, warmup, null);
    }

    public SloSpec(List<LatencyTarget> latency, Double maxErrorRate, Integer requestsPerSecond, Integer concurrency,
            String duration, String warmup, TrafficSpec traffic) {
        this(latency, maxErrorRate, requestsPerSecond, concurrency, duration, warmup, traffic, null);
    }

    /** The same SLO without its analysis: what a version is gated under (changing the analysis re-gates nothing). */
    public SloSpec withoutAnalysis() {
        return analysis == null ? this
                : new SloSpec(latency, maxErrorRate, requestsPerSecond, concurrency, duration, warmup, traffic);
    }

    /**
     * How a promoted version is judged on live traffic: every {@code interval} for {@code duration}, the requests of
     * the interval (at least {@code minRequests}, else the interval does not count) against the latency targets and
     * error rate; more than {@code failureLimit} failed intervals roll it back.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.duration) || (self.duration.matches('" + DURATION + "') && self.duration != ''"
            + " && duration(self.duration) >= duration('1m') && duration(self.duration) <= duration('24h'))",
            fieldPath = ".duration", messageExpression = "'analysis duration \"' + self.duration + '\" is not a "
                    + "duration like 10m or 1h30m, at least 1m and at most 24h'")
    @ValidationRule(value = "!has(self.interval) || (self.interval.matches('" + DURATION + "') && self.interval != ''"
            + " && duration(self.interval) >= duration('5s') && duration(self.interval) <= duration('1h'))",
            fieldPath = ".interval", messageExpression = "'analysis interval \"' + self.interval + '\" is not a "
                    + "duration like 30s or 1m, at least 5s and at most 1h'")
    @ValidationRule(value = "!has(self.duration) || !has(self.interval) "
            + "|| duration(self.interval) <= duration(self.duration)", fieldPath = ".interval",
            message = "the analysis interval must be at most its duration")
    public record AnalysisSpec(
            @Default("10m") @Size(max = 16)
            @JsonPropertyDescription("How long after the promotion live traffic is judged, e.g. 10m; 1m to 24h.")
            String duration,
            @Default("30s") @Size(max = 16)
            @JsonPropertyDescription("How often the pods' metrics are read and the interval judged, e.g. 30s; 5s to 1h.")
            String interval,
            @Default("1") @Min(0) @Max(1000)
            @JsonPropertyDescription("Failed intervals tolerated; one more rolls the version back.")
            Integer failureLimit,
            @Default("20") @Min(1) @Max(1000000)
            @JsonPropertyDescription("Fewest requests for an interval to be judged; quieter intervals do not count.")
            Integer minRequests) {}

    /**
     * Go's duration syntax restricted to whole hours, minutes and seconds in that order, each at most four or five
     * digits so that CEL's duration() and the operator's arithmetic never overflow.
     */
    static final String DURATION = "^([0-9]{1,4}h)?([0-9]{1,4}m)?([0-9]{1,5}s)?$";

    /** The load generator reports Locust's p50, p90, p95 and p99, so those are the percentiles a target may name. */
    @ValidationRule(value = "self.percentile in [50.0, 90.0, 95.0, 99.0]",
            message = "percentile must be one of 50, 90, 95, 99 (the percentiles the load test reports)",
            fieldPath = ".percentile")
    public record LatencyTarget(
            @Required
            @JsonPropertyDescription("Percentile: 50, 90, 95 or 99.")
            Double percentile,
            @Required @Min(value = 0, inclusive = false) @Max(60000)
            @JsonPropertyDescription("Largest acceptable latency at that percentile, in milliseconds.")
            Double maxMs) {}
}
