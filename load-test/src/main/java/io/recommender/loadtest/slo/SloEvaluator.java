package io.recommender.loadtest.slo;

import io.recommender.contracts.loadtest.Verdict;
import io.recommender.contracts.loadtest.SloThresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a {@link LoadMeasurement} against {@link SloThresholds}. Pure: same inputs, same verdict. A figure exactly
 * at its threshold meets it. Every violated threshold is named in the reason, not just the first.
 */
public final class SloEvaluator {

    private SloEvaluator() {
    }

    public static Verdict evaluate(SloThresholds slo, LoadMeasurement observed) {
        if (observed.abortReason() != null) {
            return Verdict.fail(observed.abortReason());
        }
        if (observed.requests() == 0) {
            return Verdict.fail("no requests were made, so the SLO cannot be judged");
        }
        List<String> violations = new ArrayList<>();
        List<String> met = new ArrayList<>();

        double errorRate = observed.errorRate();
        String errorFigure = "error rate " + percent(errorRate);
        if (errorRate > slo.maxErrorRate()) {
            String violation = errorFigure + " > SLO " + percent(slo.maxErrorRate());
            if (observed.commonestError() != null) {
                violation += " (commonest: " + observed.commonestError() + " x" + observed.commonestErrorCount() + ")";
            }
            violations.add(violation);
        } else {
            met.add(errorFigure + " <= " + percent(slo.maxErrorRate()));
        }
        judgeLatency("p50", observed.p50Ms(), slo.p50Ms(), violations, met);
        judgeLatency("p90", observed.p90Ms(), slo.p90Ms(), violations, met);
        judgeLatency("p95", observed.p95Ms(), slo.p95Ms(), violations, met);
        judgeLatency("p99", observed.p99Ms(), slo.p99Ms(), violations, met);
        if (slo.minRps() != null) {
            String rpsFigure = "throughput " + number(observed.rps()) + " rps";
            if (observed.rps() < slo.minRps()) {
                violations.add(rpsFigure + " < SLO " + number(slo.minRps()) + " rps");
            } else {
                met.add(rpsFigure + " >= " + number(slo.minRps()) + " rps");
            }
        }
        if (!violations.isEmpty()) {
            return Verdict.fail(String.join("; ", violations));
        }
        return Verdict.pass("SLO met: " + String.join(", ", met));
    }

    private static void judgeLatency(String name, double observedMs, Double thresholdMs, List<String> violations,
                                     List<String> met) {
        if (thresholdMs == null) {
            return;
        }
        if (observedMs > thresholdMs) {
            violations.add(name + " " + number(observedMs) + " ms > SLO " + number(thresholdMs) + " ms");
        } else {
            met.add(name + " " + number(observedMs) + " ms <= " + number(thresholdMs) + " ms");
        }
    }

    /** 25 -> "25", 41.25 -> "41.25", 0.1 + 0.2 -> "0.3". */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    static String percent(double share) {
        return number(share * 100) + "%";
    }
}
