package io.recommender.contracts.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The report as a Kubernetes termination message: one line of JSON that always fits the limit (4096 bytes per
 * container). Detail is dropped, commonest-first errors are cut and long texts shortened, in that order and only as
 * far as needed; whatever was left out is listed under {@code truncated}, so a reader can tell a complete report from
 * a shortened one. The verdict's pass/fail and the headline figures are never dropped.
 */
public final class TerminationMessage {

    /** Kubernetes' limit on a container's termination message. */
    public static final int KUBERNETES_LIMIT_BYTES = 4096;
    /** Smallest limit for which the headline figures are guaranteed to fit. */
    public static final int MIN_LIMIT_BYTES = 1024;

    private static final int KEPT_ERRORS = 3;
    private static final String ELLIPSIS = "...";

    private TerminationMessage() {
    }

    /** The report fitted to {@link #KUBERNETES_LIMIT_BYTES}. */
    public static String fit(LoadTestReport report, String fullReportLocation) {
        return fit(report, KUBERNETES_LIMIT_BYTES, fullReportLocation);
    }

    /**
     * @param report             the complete report
     * @param maxBytes           the limit, in UTF-8 bytes, at least {@link #MIN_LIMIT_BYTES}
     * @param fullReportLocation where the complete report was written, named in the truncation note; may be null
     */
    public static String fit(LoadTestReport report, int maxBytes, String fullReportLocation) {
        if (maxBytes < MIN_LIMIT_BYTES) {
            throw new IllegalArgumentException("the limit must be at least " + MIN_LIMIT_BYTES + " bytes: " + maxBytes);
        }
        String json = ReportJson.write(report);
        if (ReportJson.utf8Length(json) <= maxBytes) {
            return json;
        }
        String note = fullReportLocation == null
            ? "shortened to fit the termination message"
            : "shortened to fit the termination message; complete report: " + shorten(fullReportLocation, 200);

        List<String> omitted = new ArrayList<>();
        LoadTestReport current = report;
        List<Step> steps = List.of(
            new Step("timeline", r -> r.withTimeline(null)),
            new Step("responseTimesMs", r -> r.withResponseTimesMs(null)),
            new Step("errors beyond the " + KEPT_ERRORS + " commonest, error texts over 200 characters",
                r -> r.withErrors(firstErrors(r.errors(), KEPT_ERRORS, 200))),
            new Step("errors", r -> r.withErrors(null)),
            new Step("cache", r -> r.withCache(null)),
            new Step("load, preciseLatencyMs", r -> r.withDetailFigures(null, null)),
            new Step("texts over 500 characters", r -> shortenTexts(r, 500)),
            new Step("texts over 100 characters", r -> shortenTexts(r, 100)));
        for (Step step : steps) {
            current = step.apply.apply(current);
            omitted.add(step.name);
            json = ReportJson.write(current.withTruncated(new LoadTestReport.Truncation(omitted, note)));
            if (ReportJson.utf8Length(json) <= maxBytes) {
                return json;
            }
        }
        return headlineOnly(report, maxBytes, note);
    }

    /** Last resort for a report whose headline alone is too big: the verdict and counts, the reason cut to fit. */
    private static String headlineOnly(LoadTestReport report, int maxBytes, String note) {
        LoadTestReport.Truncation truncation =
            new LoadTestReport.Truncation(List.of("everything but the verdict and counts"), shorten(note, 100));
        String reason = report.verdict().reason();
        int reasonChars = reason.length();
        while (true) {
            LoadTestReport headline = new LoadTestReport(report.schemaVersion(), null, null, report.startedAt(),
                report.durationSeconds(), null, report.requests(), report.failures(), report.rps(),
                report.errorRate(), report.latencyMs(), null, null,
                new Verdict(report.verdict().passed(), shorten(reason, reasonChars)), null, null, null, truncation, null);
            String json = ReportJson.write(headline);
            if (ReportJson.utf8Length(json) <= maxBytes || reasonChars == 0) {
                return json;
            }
            reasonChars /= 2;
        }
    }

    private static LoadTestReport shortenTexts(LoadTestReport report, int maxChars) {
        Verdict verdict = new Verdict(report.verdict().passed(), shorten(report.verdict().reason(), maxChars));
        return report.withText(shorten(report.target(), maxChars), shorten(report.endpoint(), maxChars), verdict);
    }

    private static List<LoadTestReport.ErrorCount> firstErrors(List<LoadTestReport.ErrorCount> errors, int count,
                                                               int maxChars) {
        if (errors == null) {
            return null;
        }
        return errors.stream()
            .limit(count)
            .map(e -> new LoadTestReport.ErrorCount(shorten(e.error(), maxChars), e.occurrences()))
            .toList();
    }

    /** At most {@code maxChars} characters, never splitting a surrogate pair, marked with "..." when cut. */
    static String shorten(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        if (maxChars <= ELLIPSIS.length()) {
            return ELLIPSIS.substring(0, Math.max(0, maxChars));
        }
        int end = maxChars - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    private record Step(String name, UnaryOperator<LoadTestReport> apply) {
    }
}
