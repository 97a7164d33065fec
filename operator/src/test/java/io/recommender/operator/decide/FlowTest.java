package io.recommender.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.recommender.api.v1alpha1.HistorySpec;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.bundle.PackagedModel;
import io.recommender.operator.Fixtures;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.registry.RegistryException;
import io.recommender.operator.registry.RegistryState;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowTest {
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final Observation NOTHING = new Observation(JobOutcome.ABSENT, false, false, JobOutcome.ABSENT);

    static final String PASS = report(true, "p99 4.0 ms <= SLO 25.0 ms", 4.0);
    static final String FAIL = report(false, "p99 41.0 ms > SLO 25.0 ms", 41.0);

    static String report(boolean passed, String reason, double p99) {
        return "{\"schemaVersion\":1,\"requests\":1500,\"failures\":0,\"rps\":50.0,\"errorRate\":0.0,"
                + "\"latencyMs\":{\"p50\":2.0,\"p90\":3.0,\"p95\":3.5,\"p99\":" + p99 + ",\"max\":9.0,\"mean\":2.2},"
                + "\"verdict\":{\"passed\":" + passed + ",\"reason\":\"" + reason + "\"}}";
    }

    @Test
    void theCacheSplitOfTheReportReachesTheStatus() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        String split = PASS.substring(0, PASS.length() - 1) + ",\"cache\":{\"hits\":1000,\"computed\":500,"
                + "\"unknown\":0,\"hitShare\":0.667,\"hitLatencyMs\":{\"p50\":1.0,\"p90\":1.5,\"p95\":2.0,"
                + "\"p99\":3.0,\"max\":4.0,\"mean\":1.1},\"computedLatencyMs\":{\"p50\":3.0,\"p90\":5.0,"
                + "\"p95\":6.0,\"p99\":12.5,\"max\":20.0,\"mean\":3.5}}}";
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(split)));
        assertThat(s.lastLoadTest().p99Ms()).isEqualTo(4.0);
        assertThat(s.lastLoadTest().cacheHitShare()).isEqualTo(0.667);
        assertThat(s.lastLoadTest().computedP99Ms()).isEqualTo(12.5);
    }

    @Test
    void aCandidateImageThatCannotListItsUsersFailsTheGateSayingSo() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        JobOutcome.Failed initFailed = new JobOutcome.Failed("Job movies-gate-x failed: BackoffLimitExceeded",
                "Error: Could not find or load main class io.recommender.bundle.UserPopulation", "users", 1, T0);
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, false, initFailed));
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("False/LoadTestFailed");
        String message = Conditions.find(s.conditions(), ConditionTypes.LATENCY_VERIFIED).orElseThrow().getMessage();
        assertThat(message).contains("could not list the model's users", "init container users, exit 1",
                "Could not find or load main class", "package the model again");
        assertThat(s.stable()).isNull();
    }

    /** The decision of one reconcile at {@code now}, from the plan of the object as it is. */
    static Flow.Decision decide(Recommender r, Observation seen, Instant now) {
        return Flow.decide(r, Plan.of(r), seen, now);
    }

    /** Runs one reconcile: the next status is recorded on the object, as the reconciler does. */
    static RecommenderStatus step(Recommender r, Observation seen) {
        Flow.Decision d = decide(r, seen, T0);
        // The plan handed to the workflow is the one the next reconcile starts from.
        assertThat(d.plan().status()).isEqualTo(d.status());
        r.setStatus(d.status());
        return d.status();
    }

    static String condition(RecommenderStatus s, String type) {
        Condition c = Conditions.find(s.conditions(), type).orElseThrow();
        return c.getStatus() + "/" + c.getReason();
    }

    @Test
    void artifactGoesThroughCandidateGateAndPromotion() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);

        RecommenderStatus s = step(r, NOTHING);
        assertThat(s.phase()).isEqualTo(Phase.Deploying);
        assertThat(s.candidate().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(s.candidate().modelVersion()).isEqualTo("sha256-aaaaaaaaaaaa");
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("False/NoVersionPromoted");
        assertThat(Plan.of(r).gateNeeded()).isFalse();

        s = step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        assertThat(s.phase()).isEqualTo(Phase.Verifying);
        assertThat(condition(s, ConditionTypes.DEPLOYED)).isEqualTo("True/CandidateAvailable");
        assertThat(Plan.of(r).gateNeeded()).isTrue();

        s = step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS)));
        assertThat(s.stable().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(s.stable().promotedAt()).isEqualTo(T0.toString());
        assertThat(s.candidate()).isNull();
        assertThat(s.lastLoadTest().verdict()).isEqualTo("Passed");
        assertThat(s.lastLoadTest().p99Ms()).isEqualTo(4.0);
        assertThat(s.lastLoadTest().sloP99Ms()).isEqualTo(25.0);
        assertThat(s.lastLoadTest().cacheHitShare()).as("the report has no cache section").isNull();
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("True/SloMet");
        assertThat(Plan.of(r).gateNeeded()).isFalse();

        s = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT));
        assertThat(s.phase()).isEqualTo(Phase.Ready);
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");
        assertThat(condition(s, ConditionTypes.PROGRESSING)).isEqualTo("False/Idle");
        assertThat(s.observedGeneration()).isEqualTo(1L);
    }

    @Test
    void candidateThatCannotStartIsReportedAndWaitedFor() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, false, JobOutcome.ABSENT,
                "movies-candidate-x/recommender: ErrImagePull: not found"));
        assertThat(condition(s, ConditionTypes.DEPLOYED)).isEqualTo("False/CandidateFailing");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/CandidateFailing");
        assertThat(Conditions.find(s.conditions(), ConditionTypes.DEPLOYED).get().getMessage()).contains("ErrImagePull");
        assertThat(s.phase()).isEqualTo(Phase.Deploying);
        assertThat(s.candidate()).isNotNull();

        s = step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        assertThat(condition(s, ConditionTypes.DEPLOYED)).isEqualTo("True/CandidateAvailable");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    @Test
    void steadyStateIsAFixedPoint() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS)));
        RecommenderStatus ready = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT));

        RecommenderStatus again = decide(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT),
                T0.plusSeconds(3600)).status();
        assertThat(again).isEqualTo(ready);
    }

    @Test
    void failedGateRejectsTheVersionUntilARetryIsAsked() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, false,
                new JobOutcome.Failed("Job failed: BackoffLimitExceeded", FAIL)));

        assertThat(s.candidate()).isNull();
        assertThat(s.stable()).isNull();
        assertThat(s.phase()).isEqualTo(Phase.Failed);
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("False/SloNotMet");
        assertThat(Conditions.find(s.conditions(), ConditionTypes.LATENCY_VERIFIED).get().getMessage())
                .contains("p99 41.0 ms > SLO 25.0 ms").contains("p99 41.0 ms");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(s.lastLoadTest().verdict()).isEqualTo("Failed");

        // No retry loop: the same spec stays rejected, nothing is deployed or tested again.
        RecommenderStatus again = step(r, NOTHING);
        assertThat(again.candidate()).isNull();
        assertThat(Plan.of(r).candidate()).isNull();
        assertThat(Plan.of(r).gateNeeded()).isFalse();
        assertThat(again.phase()).isEqualTo(Phase.Failed);

        r.getMetadata().setAnnotations(Map.of(Plan.RETRY_ANNOTATION, "1"));
        RecommenderStatus retried = step(r, NOTHING);
        assertThat(retried.candidate()).isNotNull();
        assertThat(retried.phase()).isEqualTo(Phase.Deploying);
        assertThat(condition(retried, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    @Test
    void rejectedCandidateLeavesTheStableVersionServing() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS)));
        String stableHash = r.getStatus().stable().specHash();

        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), Topology.TwoPod, s0.serving(), s0.slo(), s0.registry()));
        r.getMetadata().setGeneration(2L);
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT));
        assertThat(s.candidate().topology()).isEqualTo(Topology.TwoPod);
        assertThat(s.stable().specHash()).isEqualTo(stableHash);

        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
        s = step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Failed("failed", FAIL)));
        assertThat(s.stable().specHash()).isEqualTo(stableHash);
        assertThat(s.phase()).isEqualTo(Phase.Ready);
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(s.observedGeneration()).isEqualTo(2L);
    }

    @Test
    void trainingJobResultBecomesTheCandidate() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        assertThat(Plan.of(r).trainingNeeded()).isTrue();

        RecommenderStatus s = step(r, new Observation(JobOutcome.RUNNING, false, false, JobOutcome.ABSENT));
        assertThat(s.phase()).isEqualTo(Phase.Training);
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("False/TrainingInProgress");
        assertThat(Plan.of(r).trainingNeeded()).isTrue();

        String result = new PackagedModel("recommender", 20261127100000L, Fixtures.IMAGE, Fixtures.TF_IMAGE, 0.835, 0.124,
                0.18).toJson();
        s = step(r, new Observation(new JobOutcome.Succeeded(result), false, false, JobOutcome.ABSENT));
        assertThat(s.candidate().modelVersion()).isEqualTo("20261127100000");
        assertThat(s.candidate().metrics().rmse()).isEqualTo(0.835);
        assertThat(s.candidate().trainingHash()).isEqualTo(Plan.of(r).trainingHash());
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("True/Trained");
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
    }

    @Test
    void failedOrResultlessTrainingIsReportedWithAReason() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RecommenderStatus s = step(r, new Observation(new JobOutcome.Failed("Job movies-train-x failed: "
                + "BackoffLimitExceeded", null), false, false, JobOutcome.ABSENT));
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("False/TrainingFailed");
        assertThat(s.phase()).isEqualTo(Phase.Failed);
        assertThat(Plan.of(r).trainingNeeded()).isFalse();

        Recommender q = Fixtures.training("other", Topology.OnePod, 0);
        s = step(q, new Observation(new JobOutcome.Succeeded("{\"modelName\":\"recommender\"}"), false, false,
                JobOutcome.ABSENT));
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("False/InvalidTrainingResult");
    }

    @Test
    void topologySwitchReusesTheTrainedModel() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        String result = new PackagedModel("recommender", 7, Fixtures.IMAGE, Fixtures.TF_IMAGE, 0.8, 0.1, 0.2).toJson();
        step(r, new Observation(new JobOutcome.Succeeded(result), false, false, JobOutcome.ABSENT));
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT));
        step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS)));

        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), Topology.TwoPod, s0.serving(), s0.slo(), s0.registry()));
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT));
        assertThat(s.candidate().modelVersion()).isEqualTo("7");
        assertThat(s.candidate().topology()).isEqualTo(Topology.TwoPod);
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("True/ModelReused");
    }

    @Test
    void historyKeepsPreviouslyPromotedVersionsNewestFirst() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        List<String> promoted = promoteVersions(r, HistorySpec.DEFAULT_LIMIT + 3, null);
        assertThat(r.getStatus().history()).hasSize(HistorySpec.DEFAULT_LIMIT);
        assertThat(r.getStatus().history().get(0).specHash()).isNotEqualTo(r.getStatus().stable().specHash());
        // Newest first: the versions promoted before the stable one, in reverse order of promotion.
        assertThat(r.getStatus().history().stream().map(ModelVersion::specHash).toList())
                .isEqualTo(newestFirst(promoted).subList(1, HistorySpec.DEFAULT_LIMIT + 1));
    }

    @Test
    void historyLimitInTheSpecBoundsHistoryAndLoweringItDropsTheOldestAtOnce() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        List<String> promoted = promoteVersions(r, 6, new HistorySpec(4));
        assertThat(r.getStatus().history().stream().map(ModelVersion::specHash).toList())
                .isEqualTo(newestFirst(promoted).subList(1, 5));
        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), s0.topology(), s0.serving(), s0.slo(), s0.registry(),
                s0.quality(), new HistorySpec(2)));
        RecommenderStatus s = step(r, NOTHING);
        assertThat(s.history().stream().map(ModelVersion::specHash).toList()).isEqualTo(newestFirst(promoted).subList(1, 3));
        assertThat(s.stable().specHash()).isEqualTo(promoted.get(promoted.size() - 1));
    }

    private static List<String> newestFirst(List<String> inOrder) {
        List<String> out = new java.util.ArrayList<>(inOrder);
        java.util.Collections.reverse(out);
        return out;
    }

    /** Promotes {@code count} versions one after another (each passes its gate); their spec hashes in order. */
    private static List<String> promoteVersions(Recommender r, int count, HistorySpec history) {
        List<String> promoted = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecommenderSpec s0 = r.getSpec();
            r.setSpec(new RecommenderSpec(s0.model(), s0.features(), i % 2 == 0 ? Topology.OnePod : Topology.TwoPod,
                    new io.recommender.api.v1alpha1.ServingSpec(1, null, null, null, "runtime:" + i, null, 8080),
                    s0.slo(), s0.registry(), s0.quality(), history));
            step(r, NOTHING);
            step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
            step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS)));
            promoted.add(r.getStatus().stable().specHash());
        }
        assertThat(promoted).doesNotHaveDuplicates();
        return promoted;
    }

    static final String IMAGE_B = "registry.example.com/recs/movies@sha256:" + "e".repeat(64);

    /** The spec's model: another artifact image, or the same model with a pin (null: none). */
    static void model(Recommender r, String image, String pin) {
        RecommenderSpec s0 = r.getSpec();
        var a = s0.model().artifact();
        r.setSpec(new RecommenderSpec(new io.recommender.api.v1alpha1.ModelSource(null,
                new io.recommender.api.v1alpha1.ArtifactSpec(image, a.tfServingImage(), a.modelName()), pin),
                s0.features(), s0.topology(), s0.serving(), s0.slo(), s0.registry()));
    }

    static void topology(Recommender r, Topology t) {
        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), t, s0.serving(), s0.slo(), s0.registry()));
    }

    static final Observation SERVING = new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT);

    /** Candidate up, gate passed, candidate gone: the spec's version serves. */
    static RecommenderStatus promote(Recommender r) {
        step(r, NOTHING);
        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
        step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS)));
        return step(r, SERVING);
    }

    @Test
    void aPinnedVersionFromHistoryIsPromotedAtOnceAndRemovingThePinBringsTheNewestBack() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        String first = promote(r).stable().modelVersion();
        model(r, IMAGE_B, null);
        String newest = promote(r).stable().modelVersion();
        assertThat(newest).isNotEqualTo(first);

        model(r, IMAGE_B, first);
        RecommenderStatus s = step(r, SERVING);
        assertThat(s.stable().modelVersion()).isEqualTo(first);
        assertThat(s.stable().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(s.stable().specHash()).isEqualTo(Plan.of(r).versionHash());
        assertThat(s.candidate()).isNull();
        assertThat(s.history()).extracting(v -> v.modelVersion()).containsExactly(newest);
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("True/VerifiedBefore");
        assertThat(message(s, ConditionTypes.LATENCY_VERIFIED)).contains("replacing " + newest);
        assertThat(condition(s, ConditionTypes.PINNED)).isEqualTo("True/PinnedVersionServing");
        assertThat(Plan.of(r).gateNeeded()).isFalse();
        assertThat(decide(r, SERVING, T0.plusSeconds(60)).status()).isEqualTo(s);

        model(r, IMAGE_B, null);
        s = step(r, SERVING);
        assertThat(s.stable().modelVersion()).isEqualTo(newest);
        assertThat(s.candidate()).isNull();
        assertThat(s.history()).extracting(v -> v.modelVersion()).containsExactly(first);
        assertThat(s.conditions()).noneMatch(c -> ConditionTypes.PINNED.equals(c.getType()));
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");
    }

    @Test
    void aPinThatNamesNoServedVersionTrainsNothingAndLeavesTheStableVersionServing() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        step(r, training(JobOutcome.ABSENT, REGISTRY));
        step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(5)), REGISTRY));
        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT, null, REGISTRY));
        step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS), null, REGISTRY));
        RecommenderStatus serving = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT, null,
                REGISTRY));
        String stable = serving.stable().modelVersion();

        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(new io.recommender.api.v1alpha1.ModelSource(s0.model().training(), null,
                "20200101000000"), s0.features(), s0.topology(), s0.serving(), s0.slo(), s0.registry()));
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT, null, REGISTRY));
        assertThat(condition(s, ConditionTypes.PINNED)).isEqualTo("False/PinNotServed");
        assertThat(message(s, ConditionTypes.PINNED)).startsWith("spec.model.pinnedVersion: version 20200101000000")
                .contains(stable + " (stable)");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/PinNotServed");
        assertThat(s.stable().modelVersion()).isEqualTo(stable);
        assertThat(s.candidate()).isNull();
        assertThat(s.phase()).isEqualTo(Phase.Ready);
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(Plan.of(r).gateNeeded()).isFalse();
    }

    @Test
    void aPinnedVersionUnderAnotherTopologyIsLoadTestedFirst() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        String first = promote(r).stable().modelVersion();
        model(r, IMAGE_B, null);
        String newest = promote(r).stable().modelVersion();

        model(r, IMAGE_B, first);
        topology(r, Topology.TwoPod);
        RecommenderStatus s = step(r, SERVING);
        assertThat(s.stable().modelVersion()).isEqualTo(newest);
        assertThat(s.candidate().modelVersion()).isEqualTo(first);
        assertThat(s.candidate().topology()).isEqualTo(Topology.TwoPod);
        assertThat(condition(s, ConditionTypes.PINNED)).isEqualTo("False/PinnedVersionVerifying");

        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
        s = step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS)));
        assertThat(s.stable().modelVersion()).isEqualTo(first);
        assertThat(condition(s, ConditionTypes.PINNED)).isEqualTo("True/PinnedVersionServing");
    }

    @Test
    void aVersionFromHistoryIsLoadTestedAgainUnderAnotherSlo() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        String first = promote(r).stable().modelVersion();
        model(r, IMAGE_B, null);
        promote(r);

        // The first spec again, but with a tighter SLO than the first version passed.
        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(new io.recommender.api.v1alpha1.ModelSource(null,
                new io.recommender.api.v1alpha1.ArtifactSpec(Fixtures.IMAGE, s0.model().artifact().tfServingImage(),
                        s0.model().artifact().modelName())), s0.features(), s0.topology(), s0.serving(), Fixtures.slo(1),
                s0.registry()));
        RecommenderStatus s = step(r, SERVING);
        assertThat(s.stable().image()).isEqualTo(IMAGE_B);
        assertThat(s.candidate().modelVersion()).isEqualTo(first);

        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
        s = step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(FAIL)));
        assertThat(s.stable().image()).isEqualTo(IMAGE_B);
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("False/SloNotMet");
    }

    static void slo(Recommender r, double p99Ms) {
        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), s0.topology(), s0.serving(), Fixtures.slo(p99Ms),
                s0.registry(), s0.quality()));
    }

    @Test
    void aVersionRefusedUnderATightSloIsJudgedAfreshWhenTheSloIsRelaxedAndServedAgainAtOnce() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        promote(r);
        topology(r, Topology.TwoPod);
        promote(r);
        assertThat(r.getStatus().stable().topology()).isEqualTo(Topology.TwoPod);

        // Back to one pod under a tighter SLO: the one-pod version passed another SLO, so it is load-tested again.
        topology(r, Topology.OnePod);
        slo(r, 1);
        step(r, SERVING);
        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT));
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(FAIL)));
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(s.stable().topology()).isEqualTo(Topology.TwoPod);
        assertThat(Plan.of(r).blocked()).isTrue();

        // The SLO it passed before: no longer blocked, and served again at once.
        slo(r, 25);
        assertThat(Plan.of(r).blocked()).isFalse();
        s = step(r, SERVING);
        assertThat(s.stable().topology()).isEqualTo(Topology.OnePod);
        assertThat(s.candidate()).isNull();
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("True/VerifiedBefore");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    static void quality(Recommender r, io.recommender.api.v1alpha1.QualitySpec q) {
        RecommenderSpec s0 = r.getSpec();
        r.setSpec(new RecommenderSpec(s0.model(), s0.features(), s0.topology(), s0.serving(), s0.slo(), s0.registry(), q));
    }

    @Test
    void aModelThatMissesSpecQualityIsRejectedBeforeItsImagesArePushed() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        quality(r, new io.recommender.api.v1alpha1.QualitySpec(0.5, null, null));
        String why = "the model misses spec.quality: recall@10 0.1240 < minRecallAt10 0.5000; nothing pushed";
        RecommenderStatus s = step(r, training(new JobOutcome.Failed("Job failed", why, "package",
                io.recommender.contracts.quality.QualityThresholds.REFUSED_EXIT, T0), REGISTRY));
        assertThat(condition(s, ConditionTypes.QUALITY_VERIFIED)).isEqualTo("False/QualityNotMet");
        assertThat(message(s, ConditionTypes.QUALITY_VERIFIED)).isEqualTo(why);
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/NotPushed");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(message(s, ConditionTypes.DEGRADED)).startsWith("QualityNotMet: " + why);
        assertThat(s.candidate()).isNull();
        assertThat(s.phase()).isEqualTo(Phase.Failed);
        // No retry loop: the next reconcile trains nothing until the spec or the retry annotation changes.
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(decide(r, training(JobOutcome.ABSENT, REGISTRY), T0.plusSeconds(600)).status()).isEqualTo(s);
    }

    @Test
    void aModelThatMeetsSpecQualityIsACandidateWithItsFiguresInTheCondition() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        quality(r, new io.recommender.api.v1alpha1.QualitySpec(0.1, null, 0.9));
        RecommenderStatus s = step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(5)), REGISTRY));
        assertThat(s.candidate().modelVersion()).isEqualTo("5");
        assertThat(condition(s, ConditionTypes.QUALITY_VERIFIED)).isEqualTo("True/QualityMet");
        assertThat(message(s, ConditionTypes.QUALITY_VERIFIED))
                .isEqualTo("model 5: recall@10 0.1240 >= 0.1000, RMSE 0.8350 <= 0.9000");

        // Without spec.quality the condition goes.
        quality(r, null);
        s = step(r, training(JobOutcome.ABSENT, REGISTRY));
        assertThat(s.conditions()).noneMatch(c -> ConditionTypes.QUALITY_VERIFIED.equals(c.getType()));
    }

    @Test
    void maxRegressionIsReportedWithBothFiguresAndNotCheckedForTheFirstModel() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        quality(r, new io.recommender.api.v1alpha1.QualitySpec(null, null, null, 0.02));
        RecommenderStatus first = step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(5)), REGISTRY));
        assertThat(condition(first, ConditionTypes.QUALITY_VERIFIED)).isEqualTo("True/QualityMet");
        assertThat(message(first, ConditionTypes.QUALITY_VERIFIED)).isEqualTo("model 5: maxRegression not checked: no"
                + " version was serving to compare with when it was trained");

        Recommender later = Fixtures.training("movies", Topology.OnePod, 0);
        quality(later, new io.recommender.api.v1alpha1.QualitySpec(0.1, null, null, 0.02));
        String compared = new io.recommender.bundle.PackagedModel("recommender", 6, Fixtures.PUSHED_IMAGE,
                Fixtures.PUSHED_TF_IMAGE, 0.835, 0.124, 0.18, new io.recommender.bundle.Manifest.Stable(5, "live",
                        0.125, 0.18, 596, 0)).toJson();
        RecommenderStatus s = step(later, training(new JobOutcome.Succeeded(compared), REGISTRY));
        assertThat(s.candidate().modelVersion()).isEqualTo("6");
        assertThat(message(s, ConditionTypes.QUALITY_VERIFIED)).isEqualTo("model 6: recall@10 0.1240 >= 0.1000, "
                + "recall@10 0.1240 >= 0.1225 (0.9800 x the stable version 5's 0.1250 on the same split), NDCG@10 0.1800"
                + " >= 0.1764 (0.9800 x the stable version 5's 0.1800 on the same split)");
    }

    @Test
    void aStableImageThatCannotHandOverItsBundleFailsTrainingWithAReasonThatSaysWhatToDo() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        quality(r, new io.recommender.api.v1alpha1.QualitySpec(null, null, null, 0.02));
        RecommenderStatus s = step(r, training(new JobOutcome.Failed("Job movies-train-x failed: PodFailurePolicy",
                "Error: Could not find or load main class io.recommender.bundle.BundleCopy",
                QualityGate.STABLE_BUNDLE_CONTAINER, 1, T0), REGISTRY));
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("False/StableBundleUnreadable");
        assertThat(message(s, ConditionTypes.TRAINED)).contains("init container stable-bundle, exit 1",
                "Could not find or load main class", "remove maxRegression");
        assertThat(Plan.of(r).trainingNeeded()).as("no retry loop").isFalse();
    }

    static final RegistryState REGISTRY = new RegistryState.Ready(new PushTarget(Fixtures.REPOSITORY, "push-secret", false));

    static Observation training(JobOutcome job, RegistryState registry) {
        return new Observation(job, false, false, JobOutcome.ABSENT, null, registry);
    }

    static String message(RecommenderStatus s, String type) {
        return Conditions.find(s.conditions(), type).orElseThrow().getMessage();
    }

    @Test
    void trainedModelIsPackagedAndExactlyItsDigestsRollOut() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RecommenderStatus s = step(r, training(JobOutcome.RUNNING, REGISTRY));
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("Unknown/AwaitingModel");

        s = step(r, training(JobOutcome.PACKAGING, REGISTRY));
        assertThat(s.phase()).isEqualTo(Phase.Packaging);
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("True/Trained");
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/Packaging");
        assertThat(message(s, ConditionTypes.IMAGES_READY)).contains(Fixtures.REPOSITORY);
        assertThat(condition(s, ConditionTypes.PROGRESSING)).isEqualTo("True/Packaging");

        s = step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(20261127100000L)), REGISTRY));
        assertThat(s.candidate().image()).isEqualTo(Fixtures.PUSHED_IMAGE);
        assertThat(s.candidate().tfServingImage()).isEqualTo(Fixtures.PUSHED_TF_IMAGE);
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("True/Pushed");
        assertThat(message(s, ConditionTypes.IMAGES_READY)).contains(Fixtures.PUSHED_IMAGE, Fixtures.PUSHED_TF_IMAGE);
        assertThat(s.phase()).isEqualTo(Phase.Deploying);
    }

    @Test
    void imagesNotByDigestOrElsewhereAreRefused() {
        for (String image : new String[] {Fixtures.REPOSITORY + ":20261127100000-recommender",
                "elsewhere.example.com/recs/movies@sha256:" + "c".repeat(64)}) {
            Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
            String result = new PackagedModel("recommender", 3, image, Fixtures.PUSHED_TF_IMAGE, 0.8, 0.1, 0.2).toJson();
            RecommenderStatus s = step(r, training(new JobOutcome.Succeeded(result), REGISTRY));
            assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/InvalidPackagingResult");
            assertThat(message(s, ConditionTypes.IMAGES_READY)).contains(image);
            assertThat(s.candidate()).isNull();
            assertThat(s.phase()).isEqualTo(Phase.Failed);
        }
    }

    @Test
    void unusableRegistryHoldsTrainingBackAndRetriesWithGrowingBackoff() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RegistryState denied = new RegistryState.Unavailable(RegistryException.ACCESS_DENIED,
                "ecr:CreateRepository on repository recs/movies in eu-west-1: AccessDeniedException: not authorized");
        Flow.Decision d = decide(r, training(JobOutcome.ABSENT, denied), T0);
        r.setStatus(d.status());
        assertThat(condition(d.status(), ConditionTypes.IMAGES_READY)).isEqualTo("False/RegistryAccessDenied");
        assertThat(message(d.status(), ConditionTypes.IMAGES_READY)).contains("CreateRepository");
        assertThat(condition(d.status(), ConditionTypes.DEGRADED)).isEqualTo("True/RegistryAccessDenied");
        assertThat(condition(d.status(), ConditionTypes.TRAINED)).isEqualTo("Unknown/AwaitingRegistry");
        assertThat(condition(d.status(), ConditionTypes.PROGRESSING)).isEqualTo("False/RegistryAccessDenied");
        assertThat(d.status().phase()).isEqualTo(Phase.Pending);
        assertThat(d.wakeUp()).isEqualTo(T0.plus(RegistryBackoff.MIN));
        assertThat(d.status().rejectedSpecHash()).isNull();

        // Failing for 100 s: the next look is 100 s later; never more than the cap.
        d = decide(r, training(JobOutcome.ABSENT, denied), T0.plusSeconds(100));
        assertThat(d.wakeUp()).isEqualTo(T0.plusSeconds(200));
        d = decide(r, training(JobOutcome.ABSENT, denied), T0.plusSeconds(3600));
        assertThat(d.wakeUp()).isEqualTo(T0.plusSeconds(3600).plus(RegistryBackoff.MAX));

        RecommenderStatus s = step(r, training(JobOutcome.ABSENT, REGISTRY));
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
        assertThat(s.phase()).isEqualTo(Phase.Training);
    }

    @Test
    void registryOutageLeavesTheStableVersionServing() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(1)), REGISTRY));
        step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT, null, REGISTRY));
        step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS), null, REGISTRY));
        assertThat(r.getStatus().stable().image()).isEqualTo(Fixtures.PUSHED_IMAGE);

        RecommenderSpec s0 = r.getSpec();
        var t = s0.model().training();
        r.setSpec(new RecommenderSpec(new io.recommender.api.v1alpha1.ModelSource(new io.recommender.api.v1alpha1.TrainingSpec(
                t.dataset(), 9, t.embeddingSize(), t.seed(), t.gpus(), null, null, null, null), null), s0.features(),
                s0.topology(), s0.serving(), s0.slo(), s0.registry()));
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT, null,
                new RegistryState.Unavailable(RegistryException.THROTTLED, "ecr:GetAuthorizationToken: still throttled")));
        assertThat(s.phase()).isEqualTo(Phase.Ready);
        assertThat(condition(s, ConditionTypes.READY)).isEqualTo("True/Serving");
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/RegistryThrottled");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/RegistryThrottled");
        assertThat(s.stable().image()).isEqualTo(Fixtures.PUSHED_IMAGE);
    }

    @Test
    void refusedPushIsRetriedUnderTheSameJobNameAfterABackoff() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        Instant failedAt = T0.minusSeconds(5);
        JobOutcome refused = new JobOutcome.Failed("Job movies-train-x failed: PodFailurePolicy",
                "push of registry.example.com/recs/movies:7-recommender denied: unauthorized", "package", 3, failedAt);

        Flow.Decision d = decide(r, training(refused, REGISTRY), T0);
        r.setStatus(d.status());
        assertThat(condition(d.status(), ConditionTypes.IMAGES_READY)).isEqualTo("False/RegistryPushFailed");
        assertThat(message(d.status(), ConditionTypes.IMAGES_READY)).contains("denied: unauthorized");
        assertThat(condition(d.status(), ConditionTypes.DEGRADED)).isEqualTo("True/RegistryPushFailed");
        assertThat(d.wakeUp()).isEqualTo(failedAt.plus(RegistryBackoff.MIN));
        assertThat(d.status().rejectedSpecHash()).isNull();
        assertThat(Plan.of(r).trainingNeeded()).as("the failed Job stays until the retry").isTrue();

        // Due: the failed Job is deleted, then made again under the same name.
        d = decide(r, training(refused, REGISTRY), failedAt.plus(RegistryBackoff.MIN));
        r.setStatus(d.status());
        assertThat(condition(d.status(), ConditionTypes.IMAGES_READY)).isEqualTo("False/RetryingPush");
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        RecommenderStatus s = step(r, training(JobOutcome.ABSENT, REGISTRY));
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/RegistryPushFailed");
        assertThat(Plan.of(r).trainingNeeded()).isTrue();
        s = step(r, training(JobOutcome.RUNNING, REGISTRY));
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/RegistryPushFailed");

        // The second failure, 100 s after ImagesReady turned False (at T0): the wait has grown to 100 s.
        Instant second = T0.plusSeconds(100);
        d = decide(r, training(new JobOutcome.Failed("failed", "unreachable", "package", 3, second), REGISTRY),
                second);
        assertThat(d.wakeUp()).isEqualTo(second.plusSeconds(100));

        r.setStatus(d.status());
        s = step(r, training(new JobOutcome.Succeeded(Fixtures.packaged(8)), REGISTRY));
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("True/Pushed");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    @Test
    void badBundleFailsPackagingForGood() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RecommenderStatus s = step(r, training(new JobOutcome.Failed("failed", "items.bin: checksum mismatch",
                "package", 2, T0), REGISTRY));
        assertThat(condition(s, ConditionTypes.IMAGES_READY)).isEqualTo("False/PackagingFailed");
        assertThat(message(s, ConditionTypes.IMAGES_READY)).contains("checksum mismatch");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(s.phase()).isEqualTo(Phase.Failed);
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
    }

    @Test
    void artifactHasNoImagesCondition() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        RecommenderStatus s = step(r, NOTHING);
        assertThat(Conditions.find(s.conditions(), ConditionTypes.IMAGES_READY)).isEmpty();
    }
}
