package io.recommender.operator.decide;

import static io.recommender.operator.decide.FlowTest.IMAGE_B;
import static io.recommender.operator.decide.FlowTest.PASS;
import static io.recommender.operator.decide.FlowTest.condition;
import static io.recommender.operator.decide.FlowTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.LiveWindow;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.status.ConditionTypes;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A promoted version judged on live traffic: intervals, the failure limit, the rollback and no ping-pong. */
class LiveAnalysisTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final Observation SERVING = new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT);

    /** An artifact Recommender whose SLO (p99 <= 25 ms, 1 % errors) is also judged live: 5 min, 30 s, 1 failure. */
    static Recommender analysed() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        SloSpec s = r.getSpec().slo();
        withSlo(r, new SloSpec(s.latency(), s.maxErrorRate(), s.requestsPerSecond(), s.concurrency(), s.duration(),
                s.warmup(), s.traffic(), new SloSpec.AnalysisSpec("5m", "30s", 1, 20)));
        return r;
    }

    static void withSlo(Recommender r, SloSpec slo) {
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), s.features(), s.topology(), s.serving(), slo, s.registry(),
                s.quality(), s.history()));
    }

    static RecommenderStatus step(Recommender r, Observation seen, Instant now) {
        Plan plan = Plan.of(r);
        Flow.Decision d = Flow.decide(r, plan, seen, now);
        r.setStatus(d.status());
        return d.status();
    }

    /** Deploys and gates the spec's version at {@code now}; it passes. */
    static void promote(Recommender r, Instant now) {
        step(r, SERVING, now);
        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT), now);
        step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS)), now);
    }

    /** An interval: {@code fast} requests within 1 ms, {@code slow} within 100 ms, {@code errors} of them 5xx. */
    static LiveWindow window(long fast, long slow, long errors) {
        TreeMap<Double, Long> b = new TreeMap<>();
        b.put(0.001, fast);
        b.put(0.1, fast + slow);
        b.put(Double.POSITIVE_INFINITY, fast + slow);
        return new LiveWindow(fast + slow, errors, b, 2, null);
    }

    @Test
    void aVersionThatMissesTheSloLiveIsRolledBackAndNotPromotedAgain() {
        Recommender r = analysed();
        promote(r, T0);
        assertThat(r.getStatus().analysis().verdict()).isEqualTo("Running");
        FlowTest.model(r, IMAGE_B, null);
        promote(r, T0.plusSeconds(60));
        RecommenderStatus s = r.getStatus();
        String failing = s.stable().modelVersion();
        String previous = s.history().get(0).modelVersion();
        assertThat(s.analysis().version()).isEqualTo(failing);
        assertThat(s.analysis().until()).isEqualTo(T0.plusSeconds(60 + 300).toString());
        assertThat(s.analysis().nextCheck()).isEqualTo(T0.plusSeconds(90).toString());
        assertThat(Analysis.due(s.analysis(), s.stable(), T0.plusSeconds(89))).isFalse();
        assertThat(Analysis.due(s.analysis(), s.stable(), T0.plusSeconds(90))).isTrue();

        // Too quiet to judge; then one bad interval, tolerated (failureLimit 1); then a second: rolled back.
        s = step(r, SERVING.withLive(window(5, 0, 0)), T0.plusSeconds(90));
        assertThat(s.analysis().intervals()).isZero();
        assertThat(s.analysis().last()).isEqualTo("5 requests in the interval, fewer than 20: not judged");
        assertThat(s.analysis().p99Ms()).as("nothing judged yet: no live p99 column").isNull();
        s = step(r, SERVING.withLive(window(60, 40, 0)), T0.plusSeconds(120));
        assertThat(s.analysis().failedIntervals()).isEqualTo(1);
        assertThat(s.analysis().p99Ms()).as("kubectl get's Live-P99-ms").isEqualTo(100.0);
        assertThat(s.analysis().last()).isEqualTo("missed: p99 100 ms > SLO 25 ms, p95 100 ms > SLO 13 ms over 100 requests");
        assertThat(s.stable().modelVersion()).isEqualTo(failing);
        s = step(r, SERVING.withLive(window(100, 0, 0)), T0.plusSeconds(150));
        assertThat(s.analysis().last()).isEqualTo("met: p99 <= 1.00 ms, p95 <= 1.00 ms, error rate 0.00% over 100 requests");
        assertThat(s.analysis().p99Ms()).isEqualTo(1.0);
        s = step(r, SERVING.withLive(window(100, 0, 10)), T0.plusSeconds(180));
        assertThat(s.analysis().verdict()).isEqualTo("RolledBack");
        assertThat(s.stable().modelVersion()).isEqualTo(previous);
        assertThat(s.stable().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(s.history()).isNull();
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("False/AnalysisFailed");
        assertThat(message(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("version " + failing + " missed the SLO on "
                + "live traffic in 2 of 3 intervals (last: missed: error rate 10.00% > SLO 1.00% over 100 requests); "
                + "rolled back to version " + previous);
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");

        // No ping-pong: the failed version is not deployed or gated again while the spec is unchanged.
        Plan plan = Plan.of(r);
        assertThat(plan.blocked()).isTrue();
        assertThat(plan.candidate()).isNull();
        RecommenderStatus later = step(r, SERVING, T0.plusSeconds(3600));
        assertThat(later.candidate()).isNull();
        assertThat(later.stable().modelVersion()).isEqualTo(previous);
    }

    @Test
    void aVersionThatMeetsTheSloUntilTheEndPassesAndIsNotReadAgain() {
        Recommender r = analysed();
        promote(r, T0);
        RecommenderStatus s = r.getStatus();
        for (int i = 1; i <= 10; i++) {
            s = step(r, SERVING.withLive(window(100, 0, 0)), T0.plusSeconds(30L * i));
        }
        assertThat(s.analysis().verdict()).isEqualTo("Passed");
        assertThat(s.analysis().intervals()).isEqualTo(10);
        assertThat(Analysis.due(s.analysis(), s.stable(), T0.plusSeconds(3600))).isFalse();
        assertThat(Flow.decide(r, Plan.of(r), SERVING, T0.plusSeconds(3600)).wakeUp()).isNull();
    }

    @Test
    void failingWithNothingToRollBackToKeepsServingAndIsDegraded() {
        Recommender r = analysed();
        promote(r, T0);
        step(r, SERVING.withLive(window(0, 100, 0)), T0.plusSeconds(30));
        RecommenderStatus s = step(r, SERVING.withLive(window(0, 100, 0)), T0.plusSeconds(60));
        assertThat(s.analysis().verdict()).isEqualTo("Failed");
        assertThat(s.stable().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(message(s, ConditionTypes.LATENCY_VERIFIED)).endsWith("there is no earlier version to roll back "
                + "to, so it keeps serving");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/AnalysisFailed");
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");
    }

    @Test
    void withoutAnAnalysisNothingIsReadAndChangingItRegatesNothing() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        promote(r, T0);
        assertThat(r.getStatus().analysis()).isNull();
        String slo = io.recommender.operator.naming.SpecHashes.slo(r.getSpec());
        SloSpec s = r.getSpec().slo();
        withSlo(r, new SloSpec(s.latency(), s.maxErrorRate(), s.requestsPerSecond(), s.concurrency(), s.duration(),
                s.warmup(), s.traffic(), new SloSpec.AnalysisSpec("10m", "1m", 0, 100)));
        assertThat(io.recommender.operator.naming.SpecHashes.slo(r.getSpec())).isEqualTo(slo);
        assertThat(Plan.of(r).serving()).isTrue();
        assertThat(List.of(step(r, SERVING, T0.plusSeconds(60)).stable().image())).containsExactly(Fixtures.IMAGE);
    }
}
