package io.recommender.loadtest.generator;

import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.loadtest.slo.LoadMeasurement;
import io.recommender.loadtest.slo.SloEvaluator;
import io.recommender.contracts.loadtest.SloThresholds;
import io.recommender.contracts.loadtest.Verdict;
import io.recommender.loadtest.stats.CacheAnswer;
import io.recommender.loadtest.stats.Histogram;
import io.recommender.loadtest.stats.RequestStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns what a load measured into the report, verdict included. */
public final class LoadReports {

    private LoadReports() {
    }

    public static LoadTestReport build(LoadGenerator.Config config, LoadGenerator.Result result, SloThresholds slo) {
        RequestStats stats = result.stats();
        Histogram locust = stats.locustMillis();
        LoadTestReport.Latency latency = new LoadTestReport.Latency(
            locust.percentile(0.50), locust.percentile(0.90), locust.percentile(0.95), locust.percentile(0.99),
            millis(stats.maxNanos()), millis(Math.round(stats.meanNanos())));
        Histogram precise = stats.preciseMicros();
        LoadTestReport.Latency preciseLatency = new LoadTestReport.Latency(
            precise.percentile(0.50) / 1000.0, precise.percentile(0.90) / 1000.0, precise.percentile(0.95) / 1000.0,
            precise.percentile(0.99) / 1000.0, millis(stats.maxNanos()), millis(Math.round(stats.meanNanos())));

        List<LoadTestReport.ErrorCount> errors = stats.errors().entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .map(e -> new LoadTestReport.ErrorCount(e.getKey(), e.getValue()))
            .toList();
        LoadTestReport.ErrorCount commonest = errors.isEmpty() ? null : errors.get(0);

        LoadMeasurement measured = new LoadMeasurement(stats.requests(), stats.failures(), result.rps(),
            latency.p50(), latency.p90(), latency.p95(), latency.p99(),
            commonest == null ? null : commonest.error(), commonest == null ? 0 : commonest.occurrences(),
            result.abortReason());
        Verdict verdict = SloEvaluator.evaluate(slo, measured);

        Map<String, Long> responseTimes = new LinkedHashMap<>();
        locust.toSortedMap().forEach((bucket, count) -> responseTimes.put(Long.toString(bucket), count));

        LoadTestReport.LoadProfile load = new LoadTestReport.LoadProfile(config.rps(), config.users(),
            config.duration().toMillis() / 1000.0, config.warmup().toMillis() / 1000.0, config.mix().describe(),
            config.mix().unknownFraction(), config.requestTimeout().toMillis());
        return new LoadTestReport(LoadTestReport.SCHEMA_VERSION, config.target().toString(),
            config.endpoint().cliName(),
            result.startedAt().toString(), round3(result.elapsedSeconds()), load, stats.requests(), stats.failures(),
            round3(result.rps()), measured.errorRate(), latency, preciseLatency, slo, verdict, errors,
            responseTimes, timeline(stats), null, cacheSplit(stats));
    }

    /** Null when no answer said where it came from (an image older than the header): nothing to split. */
    static LoadTestReport.CacheSplit cacheSplit(RequestStats stats) {
        long hits = stats.requests(CacheAnswer.HIT);
        long computed = stats.requests(CacheAnswer.COMPUTED);
        if (hits + computed == 0) {
            return null;
        }
        return new LoadTestReport.CacheSplit(hits, computed, stats.requests(CacheAnswer.UNKNOWN),
            round3((double) hits / (hits + computed)), latency(stats, CacheAnswer.HIT),
            latency(stats, CacheAnswer.COMPUTED));
    }

    private static LoadTestReport.Latency latency(RequestStats stats, CacheAnswer cache) {
        if (stats.requests(cache) == 0) {
            return null;
        }
        Histogram h = stats.preciseMicros(cache);
        return new LoadTestReport.Latency(h.percentile(0.50) / 1000.0, h.percentile(0.90) / 1000.0,
            h.percentile(0.95) / 1000.0, h.percentile(0.99) / 1000.0, millis(stats.maxNanos(cache)),
            millis(Math.round(stats.meanNanos(cache))));
    }

    private static List<LoadTestReport.Second> timeline(RequestStats stats) {
        long[] requests = stats.requestsPerSecond();
        long[] failures = stats.failuresPerSecond();
        List<LoadTestReport.Second> seconds = new ArrayList<>(requests.length);
        for (int i = 0; i < requests.length; i++) {
            seconds.add(new LoadTestReport.Second(i, requests[i], failures[i]));
        }
        return seconds;
    }

    private static double millis(long nanos) {
        return round3(nanos / 1e6);
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
