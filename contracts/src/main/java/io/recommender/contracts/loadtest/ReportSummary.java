package io.recommender.contracts.loadtest;

import java.util.Locale;

/**
 * A report in two lines for people: the verdict and its reason, then the figures it was judged on; a third line
 * splits cache hits from computed answers when the service said which was which.
 */
public final class ReportSummary {
    private ReportSummary() {}

    public static String of(LoadTestReport report) {
        LoadTestReport.Latency ms = report.latencyMs();
        return String.format(Locale.ROOT,
            "%s: %s%n  requests %d, failures %d, %.1f rps, error rate %.2f%%, p50 %s p90 %s p95 %s p99 %s max %s ms",
            report.verdict().passed() ? "PASS" : "FAIL", report.verdict().reason(), report.requests(),
            report.failures(), report.rps(), report.errorRate() * 100, figure(ms.p50()), figure(ms.p90()),
            figure(ms.p95()), figure(ms.p99()), figure(ms.max())) + cacheLine(report.cache());
    }

    private static String cacheLine(LoadTestReport.CacheSplit cache) {
        if (cache == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%n  result cache: %.1f%% hits; computed %d, p99 %s ms; hits %d, p99 %s ms%s",
            cache.hitShare() * 100, cache.computed(), p99(cache.computedLatencyMs()), cache.hits(),
            p99(cache.hitLatencyMs()), cache.unknown() == 0 ? "" : "; " + cache.unknown() + " failed or unlabelled");
    }

    private static String p99(LoadTestReport.Latency latency) {
        return latency == null ? "-" : figure(latency.p99());
    }

    private static String figure(double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
    }
}
