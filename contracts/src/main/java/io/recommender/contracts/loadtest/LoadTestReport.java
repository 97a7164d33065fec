package io.recommender.contracts.loadtest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The load-test report: what was asked, what was measured, and the verdict. The load generator writes it; the
 * operator reads it back with {@link ReportJson#read}, from a file or from a pod's termination message (see
 * {@link TerminationMessage}), where the optional detail fields may have been dropped and {@link #truncated} says
 * which.
 *
 * @param schemaVersion    {@link #SCHEMA_VERSION} of the writer
 * @param target           base URL of the service under test
 * @param endpoint         which endpoint was called, e.g. "predict"
 * @param startedAt        ISO-8601 instant the load started
 * @param durationSeconds  how long the load actually ran
 * @param load             the load that was asked for
 * @param requests         requests sent, failed ones included (as Locust counts them)
 * @param failures         requests that failed
 * @param rps              requests per second achieved
 * @param errorRate        failures / requests, 0 without requests
 * @param latencyMs        Locust's percentiles (its rounding and percentile walk), exact max and mean
 * @param preciseLatencyMs the same percentiles at three significant digits
 * @param slo              the SLO judged against
 * @param verdict          pass or fail, and why
 * @param errors           distinct errors, commonest first
 * @param responseTimesMs  Locust's {@code response_times} dict: bucket in ms to count
 * @param timeline         requests and failures per second of the run
 * @param truncated        what was left out to make the report fit, or null when it is complete
 * @param cache            the requests answered from the recommender's result cache and those computed, apart;
 *                         null in reports of older writers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LoadTestReport(
    int schemaVersion,
    String target,
    String endpoint,
    String startedAt,
    double durationSeconds,
    LoadProfile load,
    long requests,
    long failures,
    double rps,
    double errorRate,
    Latency latencyMs,
    Latency preciseLatencyMs,
    SloThresholds slo,
    Verdict verdict,
    List<ErrorCount> errors,
    Map<String, Long> responseTimesMs,
    List<Second> timeline,
    Truncation truncated,
    CacheSplit cache) {

    public static final int SCHEMA_VERSION = 1;

    public LoadTestReport {
        Objects.requireNonNull(verdict, "verdict");
        errors = errors == null ? null : List.copyOf(errors);
        // Kept in the given order (ascending buckets, as written), which Map.copyOf would scramble.
        responseTimesMs = responseTimesMs == null
            ? null : Collections.unmodifiableMap(new LinkedHashMap<>(responseTimesMs));
        timeline = timeline == null ? null : List.copyOf(timeline);
    }

    /**
     * The load that was asked for.
     *
     * @param targetRps        requests per second asked for; 0 means as fast as the users can go
     * @param users            concurrent users, each with at most one request in flight
     * @param durationSeconds  how long to load and measure
     * @param warmupSeconds    how long to load, unmeasured, before
     * @param knownUsers       the known users asked about and how they were drawn, e.g. "610 users of the model
     *                         (ids 1-610), by training activity", or a range of ids, e.g. "1-610"
     * @param unknownFraction  share of requests for user ids the model does not know
     * @param requestTimeoutMs a request taking longer fails
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LoadProfile(double targetRps, int users, double durationSeconds, double warmupSeconds,
                              String knownUsers, double unknownFraction, long requestTimeoutMs) {
    }

    /** Latency figures in milliseconds. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Latency(double p50, double p90, double p95, double p99, double max, double mean) {
    }

    /**
     * The successful requests by where their answer came from, as the recommender's {@code X-Recommender-Cache}
     * header said: a result-cache hit costs a lookup, a computed answer the model; the p99 of a mix depends on
     * the share, so both are kept.
     *
     * @param hits              answers from the result cache
     * @param computed          answers computed for the request
     * @param unknown           answers without the header (an older image) and failed requests
     * @param hitShare          hits / (hits + computed), null when neither was seen
     * @param hitLatencyMs      percentiles of the hits (three significant digits), null without any
     * @param computedLatencyMs percentiles of the computed answers, null without any
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CacheSplit(long hits, long computed, long unknown, Double hitShare, Latency hitLatencyMs,
                             Latency computedLatencyMs) {
    }

    /** One distinct error and how often it occurred. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorCount(String error, long occurrences) {
    }

    /** Requests started in one second of the run. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Second(int second, long requests, long failures) {
    }

    /**
     * @param omitted the fields dropped or shortened
     * @param note    where the complete report is
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Truncation(List<String> omitted, String note) {
        public Truncation {
            omitted = List.copyOf(omitted);
        }
    }

    public LoadTestReport withErrors(List<ErrorCount> newErrors) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, newErrors, responseTimesMs, timeline,
            truncated, cache);
    }

    public LoadTestReport withResponseTimesMs(Map<String, Long> newResponseTimesMs) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, newResponseTimesMs, timeline,
            truncated, cache);
    }

    public LoadTestReport withTimeline(List<Second> newTimeline) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, responseTimesMs, newTimeline,
            truncated, cache);
    }

    public LoadTestReport withDetailFigures(LoadProfile newLoad, Latency newPreciseLatencyMs) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, newLoad, requests,
            failures, rps, errorRate, latencyMs, newPreciseLatencyMs, slo, verdict, errors, responseTimesMs, timeline,
            truncated, cache);
    }

    public LoadTestReport withText(String newTarget, String newEndpoint, Verdict newVerdict) {
        return new LoadTestReport(schemaVersion, newTarget, newEndpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, newVerdict, errors, responseTimesMs, timeline,
            truncated, cache);
    }

    public LoadTestReport withCache(CacheSplit newCache) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, responseTimesMs, timeline,
            truncated, newCache);
    }

    public LoadTestReport withTruncated(Truncation newTruncated) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, responseTimesMs, timeline,
            newTruncated, cache);
    }
}
