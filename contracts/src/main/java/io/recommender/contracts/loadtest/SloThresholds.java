package io.recommender.contracts.loadtest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The latency, error and throughput thresholds a candidate must meet under load, as a Recommender resource's SLO
 * states them. A null threshold is not checked. Named apart from the resource's own {@code SloSpec} (the CRD's
 * schema, in recommender-api), which the operator turns into this program's options.
 *
 * @param p50Ms        highest acceptable median latency, in milliseconds
 * @param p90Ms        highest acceptable 90th percentile latency, in milliseconds
 * @param p95Ms        highest acceptable 95th percentile latency, in milliseconds
 * @param p99Ms        highest acceptable 99th percentile latency, in milliseconds
 * @param maxErrorRate highest acceptable share of failed requests, in [0, 1]
 * @param minRps       lowest acceptable achieved request rate, or null: a candidate too slow to take the offered load
 *                     would otherwise be judged at a lighter load than asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SloThresholds(Double p50Ms, Double p90Ms, Double p95Ms, Double p99Ms, double maxErrorRate,
                            Double minRps) {

    public SloThresholds {
        requireNonNegative("p50Ms", p50Ms);
        requireNonNegative("p90Ms", p90Ms);
        requireNonNegative("p95Ms", p95Ms);
        requireNonNegative("p99Ms", p99Ms);
        requireNonNegative("minRps", minRps);
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("maxErrorRate must be within [0, 1]: " + maxErrorRate);
        }
    }

    private static void requireNonNegative(String name, Double value) {
        if (value != null && !(value >= 0 && !value.isInfinite())) {
            throw new IllegalArgumentException(name + " must be a finite, non-negative number: " + value);
        }
    }
}
