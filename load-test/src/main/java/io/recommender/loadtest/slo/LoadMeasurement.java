package io.recommender.loadtest.slo;

/**
 * What a load test measured, reduced to the figures an SLO is judged on. Percentiles are Locust's (whole
 * milliseconds below 100 ms, see {@code LocustBuckets}). Not the operator's {@code Observation}, what the
 * reconciler saw of its objects.
 *
 * @param requests          requests sent, failed ones included
 * @param failures          requests that failed
 * @param rps               requests per second achieved
 * @param p50Ms             median latency
 * @param p90Ms             90th percentile latency
 * @param p95Ms             95th percentile latency
 * @param p99Ms             99th percentile latency
 * @param commonestError    the most frequent error message, or null when nothing failed
 * @param commonestErrorCount how often it occurred
 * @param abortReason       why the load test could not be run as asked (e.g. the target is unreachable), or null
 */
public record LoadMeasurement(long requests, long failures, double rps, double p50Ms, double p90Ms, double p95Ms,
                              double p99Ms, String commonestError, long commonestErrorCount, String abortReason) {

    public LoadMeasurement {
        if (requests < 0 || failures < 0 || failures > requests) {
            throw new IllegalArgumentException(
                "need 0 <= failures <= requests, got failures " + failures + " of " + requests);
        }
    }

    /** Failed share of requests; 0 when there were none. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) failures / requests;
    }
}
