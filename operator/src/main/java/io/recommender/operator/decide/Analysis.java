package io.recommender.operator.decide;

import io.recommender.api.gate.LoadTestArgs;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.RecommenderStatus.AnalysisStatus;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.operator.observe.LiveWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live analysis of a promoted version, pure: started at a promotion through the gate, then at each interval
 * the window its pods served is judged against the SLO's latency targets and error rate (a percentile is the upper
 * bound of its histogram bucket, so a miss is a real one); more than failureLimit failed intervals roll it back.
 *
 * @param status the analysis's next status (null: none)
 * @param wakeUp when the next interval is due, or null
 * @param rollBack the version failed: serve the previous one again
 */
public record Analysis(AnalysisStatus status, Instant wakeUp, boolean rollBack) {
    static final String RUNNING = "Running";
    static final String PASSED = "Passed";
    static final String ROLLED_BACK = "RolledBack";
    static final String FAILED = "Failed";

    /** The analysis of {@code promoted}, from now; null without slo.analysis. */
    static AnalysisStatus start(SloSpec slo, ModelVersion promoted, Instant now) {
        SloSpec.AnalysisSpec a = slo.analysis();
        if (a == null) {
            return null;
        }
        return new AnalysisStatus(promoted.modelVersion(), now.plusSeconds(seconds(a.duration(), 600)).toString(),
                now.plusSeconds(seconds(a.interval(), 30)).toString(), 0, 0, RUNNING,
                "the first reading of the pods' metrics sets the baseline");
    }

    public static boolean running(AnalysisStatus a) {
        return RUNNING.equals(a.verdict());
    }

    /** A reading of the stable pods' metrics is due: an analysis of the serving version runs and its check time came. */
    public static boolean due(AnalysisStatus a, ModelVersion stable, Instant now) {
        return a != null && RUNNING.equals(a.verdict()) && stable != null && a.version().equals(stable.modelVersion())
                && !now.isBefore(Instant.parse(a.nextCheck()));
    }

    /** The analysis after this reconcile; {@code window} is the interval read now, or null when none was due. */
    static Analysis step(SloSpec slo, AnalysisStatus a, ModelVersion stable, LiveWindow window, Instant now) {
        if (a == null || !RUNNING.equals(a.verdict()) || stable == null || !a.version().equals(stable.modelVersion())) {
            return new Analysis(a, null, false);
        }
        Instant until = Instant.parse(a.until());
        if (window == null) {
            Instant next = Instant.parse(a.nextCheck());
            return new Analysis(a, next.isBefore(until) ? next : until, false);
        }
        SloSpec.AnalysisSpec spec = slo.analysis();
        int minRequests = spec == null || spec.minRequests() == null ? 20 : spec.minRequests();
        int limit = spec == null || spec.failureLimit() == null ? 1 : spec.failureLimit();
        int intervals = a.intervals();
        int failed = a.failedIntervals();
        String last;
        Double p99 = a.p99Ms();
        if (window.requests() < minRequests) {
            last = window.requests() + " requests in the interval, fewer than " + minRequests + ": not judged"
                    + (window.problem() == null ? "" : " (" + window.problem() + ")");
        } else {
            intervals++;
            double measured = window.percentileMs(99);
            p99 = Double.isInfinite(measured) || Double.isNaN(measured) ? null : measured;
            List<String> misses = misses(slo, window);
            if (!misses.isEmpty()) {
                failed++;
            }
            last = (misses.isEmpty() ? "met: " + measured(slo, window) : "missed: " + String.join(", ", misses))
                    + " over " + window.requests() + " requests"
                    + (window.problem() == null ? "" : " (not read: " + window.problem() + ")");
        }
        Instant next = now.plusSeconds(spec == null ? 30 : seconds(spec.interval(), 30));
        String verdict = failed > limit ? ROLLED_BACK : !now.isBefore(until) ? PASSED : RUNNING;
        AnalysisStatus s = new AnalysisStatus(a.version(), a.until(), next.toString(), intervals, failed, verdict, last,
                p99);
        return new Analysis(s, RUNNING.equals(verdict) ? (next.isBefore(until) ? next : until) : null,
                ROLLED_BACK.equals(verdict));
    }

    /** The analysis of a version that failed with nothing to roll back to: it keeps serving, marked Failed. */
    static AnalysisStatus failedWithoutRollback(AnalysisStatus a) {
        return new AnalysisStatus(a.version(), a.until(), a.nextCheck(), a.intervals(), a.failedIntervals(), FAILED,
                a.last(), a.p99Ms());
    }

    private static List<String> misses(SloSpec slo, LiveWindow w) {
        List<String> out = new ArrayList<>();
        for (SloSpec.LatencyTarget t : slo.latency()) {
            double ms = w.percentileMs(t.percentile());
            if (ms > t.maxMs()) {
                out.add(String.format(Locale.ROOT, "p%s %s > SLO %s", pct(t.percentile()), ms(ms), ms(t.maxMs())));
            }
        }
        double maxErrorRate = slo.maxErrorRate() == null ? 0.01 : slo.maxErrorRate();
        if (w.errorRate() > maxErrorRate) {
            out.add(String.format(Locale.ROOT, "error rate %.2f%% > SLO %.2f%%", w.errorRate() * 100,
                    maxErrorRate * 100));
        }
        return out;
    }

    private static String measured(SloSpec slo, LiveWindow w) {
        List<String> out = new ArrayList<>();
        for (SloSpec.LatencyTarget t : slo.latency()) {
            out.add("p" + pct(t.percentile()) + " <= " + ms(w.percentileMs(t.percentile())));
        }
        out.add(String.format(Locale.ROOT, "error rate %.2f%%", w.errorRate() * 100));
        return String.join(", ", out);
    }

    private static String pct(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private static String ms(double ms) {
        return Double.isInfinite(ms) ? "more than the largest bucket"
                : ms >= 10 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f ms", ms);
    }

    private static long seconds(String duration, long fallback) {
        return duration == null ? fallback : LoadTestArgs.seconds(duration);
    }
}
