package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.LoadTestSummary;
import io.recommender.operator.naming.Names;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportJson;
import io.recommender.operator.observe.JobOutcome;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * The latency gate's verdict on a candidate, read from the gate Job's report (its termination message). The one
 * place that reads the load test's report format.
 *
 * @param passed promote the candidate
 * @param failed reject it
 * @param reason the LatencyVerified reason once decided, else null
 * @param message the LatencyVerified message
 * @param summary the report's figures for status.lastLoadTest, null without a report
 */
public record GateVerdict(boolean passed, boolean failed, String reason, String message, LoadTestSummary summary) {

    public static GateVerdict of(SloSpec slo, JobOutcome job, ModelVersion candidate, Instant now) {
        if (!(job instanceof JobOutcome.Succeeded || job instanceof JobOutcome.Failed)) {
            return new GateVerdict(false, false, null, job instanceof JobOutcome.Running ? "the load test is running"
                    : "starting the load test of version " + candidate.modelVersion(), null);
        }
        if (job instanceof JobOutcome.Failed f && Names.GATE_USERS_CONTAINER.equals(f.container())) {
            // No load ran: the candidate's image could not list its users (an image packaged before the gate
            // read them has no UserPopulation; a bundle without seen.bin is not one this project writes).
            return new GateVerdict(false, true, "LoadTestFailed", "the candidate's image could not list the model's "
                    + "users for the load test (init container " + f.container() + ", exit " + f.exitCode() + "): "
                    + (f.result() == null ? f.reason() : f.result()) + "; package the model again with this "
                    + "version of the project", null);
        }
        String report = job instanceof JobOutcome.Succeeded s ? s.result() : ((JobOutcome.Failed) job).result();
        if (report == null) {
            return new GateVerdict(false, true, "LoadTestFailed", "the load test ended without a report: "
                    + (job instanceof JobOutcome.Failed f ? f.reason() : "no termination message"), null);
        }
        LoadTestReport rep;
        try {
            rep = ReportJson.read(report);
        } catch (IOException | RuntimeException e) {
            return new GateVerdict(false, true, "LoadTestFailed", "the load test's report is unreadable: "
                    + e.getMessage(), null);
        }
        LoadTestSummary summary = summary(rep, candidate, sloP99(slo), now);
        String figures = String.format(Locale.ROOT, "%s (p95 %.1f ms, p99 %.1f ms, error rate %.4f, %.0f rps)",
                rep.verdict().reason(), rep.latencyMs() == null ? Double.NaN : rep.latencyMs().p95(),
                rep.latencyMs() == null ? Double.NaN : rep.latencyMs().p99(), rep.errorRate(), rep.rps());
        return rep.verdict().passed() ? new GateVerdict(true, false, "SloMet", figures, summary)
                : new GateVerdict(false, true, "SloNotMet", figures, summary);
    }

    private static LoadTestSummary summary(LoadTestReport rep, ModelVersion candidate, Double sloP99, Instant now) {
        LoadTestReport.Latency l = rep.latencyMs();
        LoadTestReport.CacheSplit cache = rep.cache();
        return new LoadTestSummary(candidate.modelVersion(), rep.verdict().passed() ? "Passed" : "Failed",
                rep.verdict().reason(), rep.requests(), rep.failures(), rep.rps(),
                l == null ? null : l.p50(), l == null ? null : l.p95(), l == null ? null : l.p99(),
                l == null ? null : l.max(), rep.errorRate(), sloP99, now.toString(),
                cache == null ? null : cache.hitShare(),
                cache == null || cache.computedLatencyMs() == null ? null : cache.computedLatencyMs().p99());
    }

    /** The SLO's p99 target, recorded next to the measured p99. */
    static Double sloP99(SloSpec slo) {
        return slo.latency().stream().filter(t -> t.percentile() == 99.0).map(SloSpec.LatencyTarget::maxMs)
                .findFirst().orElse(null);
    }
}
