package io.recommender.contracts.loadtest;

import java.util.Locale;

/** A report in two lines for people: the verdict and its reason, then the figures it was judged on. */
public final class ReportSummary {
    private ReportSummary() {}

    public static String of(LoadTestReport report) {
        LoadTestReport.Latency ms = report.latencyMs();
        return String.format(Locale.ROOT,
            "%s: %s%n  requests %d, failures %d, %.1f rps, error rate %.2f%%, p50 %s p90 %s p95 %s p99 %s max %s ms",
            report.verdict().passed() ? "PASS" : "FAIL", report.verdict().reason(), report.requests(),
            report.failures(), report.rps(), report.errorRate() * 100, figure(ms.p50()), figure(ms.p90()),
            figure(ms.p95()), figure(ms.p99()), figure(ms.max()));
    }

    private static String figure(double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
    }
}
