package io.recommender.local;

import io.recommender.api.v1alpha1.Recommender;
import io.recommender.bundle.Manifest;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportSummary;
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
    /** What one run found: the model it served, the load test's report, and the feature store's initial load (or null). */
    record Outcome(Manifest model, boolean modelReused, LoadTestReport report, String featureLoad) {
        boolean passed() {
            return report.verdict().passed();
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
        return new Outcome(m, model.reused(), report, loadSummary);
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
