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
    Truncation truncated) {

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
     * @param knownUsers       range of user ids the model knows, e.g. "1-610"
     * @param unknownFraction  share of requests for user ids outside that range
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
            truncated);
    }

    public LoadTestReport withResponseTimesMs(Map<String, Long> newResponseTimesMs) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, newResponseTimesMs, timeline,
            truncated);
    }

    public LoadTestReport withTimeline(List<Second> newTimeline) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, responseTimesMs, newTimeline,
            truncated);
    }

    public LoadTestReport withDetailFigures(LoadProfile newLoad, Latency newPreciseLatencyMs) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, newLoad, requests,
            failures, rps, errorRate, latencyMs, newPreciseLatencyMs, slo, verdict, errors, responseTimesMs, timeline,
            truncated);
    }

    public LoadTestReport withText(String newTarget, String newEndpoint, Verdict newVerdict) {
        return new LoadTestReport(schemaVersion, newTarget, newEndpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, newVerdict, errors, responseTimesMs, timeline,
            truncated);
    }

    public LoadTestReport withTruncated(Truncation newTruncated) {
        return new LoadTestReport(schemaVersion, target, endpoint, startedAt, durationSeconds, load, requests,
            failures, rps, errorRate, latencyMs, preciseLatencyMs, slo, verdict, errors, responseTimesMs, timeline,
            newTruncated);
    }
}
