package io.recommender.local;

import io.recommender.api.v1alpha1.QualitySpec;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.bundle.Manifest;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportSummary;
import io.recommender.contracts.quality.QualityThresholds;
import io.recommender.api.gate.LoadTestArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The operator's pipeline for one Recommender, on this machine: train (or reuse), serve, load-test against the
 * SLO, judge. Every process it starts is stopped before it returns, whatever the outcome.
 */
final class LocalPipeline {
    /**
     * What one run found: the model, the quality verdict when spec.quality asks for one (else null), the load test's
     * report (null when the quality verdict already refused the model), and the feature store's initial load (or null).
     */
    record Outcome(Manifest model, boolean modelReused, QualityThresholds.Verdict quality, LoadTestReport report,
            String featureLoad) {
        boolean passed() {
            return (quality == null || quality.passed()) && report != null && report.verdict().passed();
        }
    }

    /**
     * @param recommenderFile the Recommender manifest whose model and SLO to use
     * @param out             the working directory: bundle/, logs and the report
     * @param bundle          a bundle to serve instead of training, or null
     * @param retrain         train even when the last bundle could be reused
     */
    record Options(Path recommenderFile, Path out, Path bundle, boolean retrain) {}

    private final ProjectLayout layout;
    private final PrintStream console;

    LocalPipeline(ProjectLayout layout, PrintStream console) {
        this.layout = layout;
        this.console = console;
    }

    Outcome run(Options o) throws IOException, InterruptedException {
        Recommender r = RecommenderFile.read(o.recommenderFile());
        console.println("recommender: " + r.getMetadata().getName() + " from " + o.recommenderFile());

        TrainingStep.LocalModel model = TrainingStep.prepare(r, layout, o.out(), o.bundle(), o.retrain(), console);
        Manifest m = model.manifest();
        console.println(modelLine(m));
        QualityThresholds.Verdict quality = quality(r, m);
        if (quality != null) {
            console.println("quality: " + (quality.passed() ? "met, " : "missed, ") + quality.message());
            if (!quality.passed()) {
                console.println("verdict: FAIL - the operator would reject this model before pushing its images "
                        + "(spec.quality); nothing served or load-tested");
                return new Outcome(m, model.reused(), quality, null, null);
            }
        }

        LoadTestReport report;
        String loadSummary = null;
        // With features.source Redis, a local redis-server, loaded as the operator's Job loads it, outlives the
        // service and is stopped with it.
        try (FeatureStoreStep.RunningStore store = FeatureStoreStep.wanted(r)
                ? FeatureStoreStep.start(r, layout, o.out(), console) : null;
                ServingStep.RunningService service = ServingStep.start(layout, model.bundle().directory(),
                        o.out().resolve("recommender.log"), store == null ? Map.of() : store.env(), console)) {
            loadSummary = store == null ? null : store.loadSummary();
            console.println("load test: " + String.join(" ", LoadTestArgs.of(
                    r.getSpec().slo(), service.baseUrl().toString(), model.bundle().directory().toString())));
            report = GateStep.run(layout, r.getSpec().slo(), service.baseUrl(), model.bundle().directory(),
                    o.out().resolve("load-test-report.json"));
        }
        console.println(ReportSummary.of(report));
        console.println("report: " + o.out().resolve("load-test-report.json"));
        console.println(report.verdict().passed()
                ? "verdict: PASS - the operator would promote this version"
                : "verdict: FAIL - the operator would keep the stable version and reject this one");
        return new Outcome(m, model.reused(), quality, report, loadSummary);
    }

    /** spec.quality checked as the training Job's package step checks it; null without spec.quality. */
    static QualityThresholds.Verdict quality(Recommender r, Manifest m) {
        QualitySpec q = r.getSpec().quality();
        if (q == null) {
            return null;
        }
        QualityThresholds t = new QualityThresholds(q.minRecallAt10(), q.minNdcgAt10(), q.maxRmse());
        return m.metrics() == null ? t.check(null, null, null)
                : t.check(m.metrics().rmse(), m.metrics().recallAt10(), m.metrics().ndcgAt10());
    }

    private static String modelLine(Manifest m) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "model: %s version %d (%s)",
                m.modelName(), m.modelVersion(), m.source()));
        if (m.metrics() != null) {
            line.append(String.format(Locale.ROOT, "; test RMSE %.3f (user-item bias %.3f), recall@10 %.3f "
                    + "(most popular %.3f)", m.metrics().rmse(), m.metrics().baselines().userItemBiasRmse(),
                    m.metrics().recallAt10(), m.metrics().baselines().mostPopularRecallAt10()));
        }
        return line.toString();
    }
}
