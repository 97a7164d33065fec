package io.recommender.operator.decide;

import static io.recommender.operator.decide.FlowTest.PASS;
import static io.recommender.operator.decide.FlowTest.T0;
import static io.recommender.operator.decide.FlowTest.condition;
import static io.recommender.operator.decide.FlowTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.FeaturesSpec;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.contracts.features.MaterializeResult;
import io.recommender.operator.Fixtures;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The feature store's part of the pipeline: FeaturesReady, the initial load's Job, and the gate waiting for it. */
class FeaturesFlowTest {
    static final FeaturesSpec REDIS = new FeaturesSpec(FeaturesSpec.FeatureSource.Redis,
            new FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null,
                    new FeaturesSpec.PasswordSecretRef("redis-auth", "password"), null, null));
    static final String LOADED = new MaterializeResult(610, 100_836, 9_742).toJson();

    static Recommender withFeatures(Recommender r, FeaturesSpec f) {
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), f, s.topology(), s.serving(), s.slo(), s.registry()));
        return r;
    }

    static RecommenderStatus step(Recommender r, Observation seen, Instant now) {
        Flow.Decision d = Flow.decide(r, Plan.of(r), seen, now);
        r.setStatus(d.status());
        return d.status();
    }

    /** The candidate trained and available; the gate not started; the load as given. */
    static Observation candidateUp(JobOutcome load, String loadProblem) {
        return new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT).withFeatureLoad(load, loadProblem);
    }

    static Recommender trainedRedisCandidate() {
        Recommender r = withFeatures(Fixtures.training("movies", Topology.OnePod, 0), REDIS);
        step(r, new Observation(new JobOutcome.Succeeded(Fixtures.packaged(7)), false, false, JobOutcome.ABSENT)
                .withFeatureLoad(JobOutcome.RUNNING, null), T0);
        return r;
    }

    @Test
    void bundleAddsNoConditionNoStatusAndNoLoad() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT), T0);

        assertThat(Conditions.find(s.conditions(), ConditionTypes.FEATURES_READY)).isEmpty();
        assertThat(s.features()).isNull();
        assertThat(s.candidate().features()).isNull();
        assertThat(Plan.of(r).featureLoadNeeded()).isFalse();
        assertThat(Plan.of(r).gateNeeded()).isTrue();

        Recommender explicit = withFeatures(Fixtures.artifact("movies", Topology.OnePod),
                new FeaturesSpec(FeaturesSpec.FeatureSource.Bundle, null));
        RecommenderStatus e = step(explicit, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT), T0);
        assertThat(e.conditions()).as("source: Bundle written out is the same as leaving features out")
                .isEqualTo(s.conditions());
        assertThat(e.features()).isNull();
        assertThat(e.candidate().features()).isNull();
    }

    @Test
    void loadRunsBesideTrainingAndTheGateWaitsForIt() {
        Recommender r = withFeatures(Fixtures.training("movies", Topology.OnePod, 0), REDIS);
        assertThat(Plan.of(r).featureLoadNeeded()).as("the load needs no model: it starts with training").isTrue();
        RecommenderStatus s = step(r, new Observation(JobOutcome.RUNNING, false, false, JobOutcome.ABSENT)
                .withFeatureLoad(JobOutcome.ABSENT, null), T0);
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/Loading");
        assertThat(message(s, ConditionTypes.FEATURES_READY)).isEqualTo("starting the initial load from "
                + "bundled:ml-latest-small into redis://redis.cache.svc:6379, prefix 'shop:movies:'");

        s = step(r, new Observation(new JobOutcome.Succeeded(Fixtures.packaged(7)), false, false, JobOutcome.ABSENT)
                .withFeatureLoad(JobOutcome.RUNNING, null), T0);
        assertThat(s.candidate().features().url()).isEqualTo("redis://redis.cache.svc:6379");
        assertThat(s.candidate().features().prefix()).isEqualTo("shop:movies:");
        assertThat(s.candidate().features().passwordSecretName()).isEqualTo("redis-auth");

        s = step(r, candidateUp(JobOutcome.RUNNING, null), T0);
        assertThat(condition(s, ConditionTypes.DEPLOYED)).isEqualTo("True/CandidateAvailable");
        assertThat(condition(s, ConditionTypes.LATENCY_VERIFIED)).isEqualTo("Unknown/AwaitingFeatures");
        assertThat(condition(s, ConditionTypes.PROGRESSING)).isEqualTo("True/Verifying");
        assertThat(message(s, ConditionTypes.PROGRESSING)).startsWith("loading the feature store");
        assertThat(Plan.of(r).gateNeeded()).as("no load test before the store is loaded").isFalse();

        s = step(r, candidateUp(new JobOutcome.Succeeded(LOADED), null), T0);
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(message(s, ConditionTypes.FEATURES_READY))
                .isEqualTo("610 users' state (100836 ratings) loaded into redis://redis.cache.svc:6379, prefix 'shop:movies:'");
        assertThat(s.features().users()).isEqualTo(610L);
        assertThat(s.features().ratings()).isEqualTo(100_836L);
        assertThat(s.features().loadHash()).isEqualTo(Plan.of(r).featureStore().loadHash());
        assertThat(Plan.of(r).featureLoadNeeded()).as("recorded: the Job is not needed again").isFalse();
        assertThat(Plan.of(r).gateNeeded()).isTrue();

        // The Job is gone (deleted once recorded); the status keeps the load.
        s = step(r, new Observation(JobOutcome.ABSENT, true, false, new JobOutcome.Succeeded(PASS)), T0);
        assertThat(s.stable().features().url()).isEqualTo("redis://redis.cache.svc:6379");
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(s.features().users()).isEqualTo(610L);
    }

    @Test
    void aLoadWithoutAResultStillCountsAsDone() {
        Recommender r = trainedRedisCandidate();
        RecommenderStatus s = step(r, candidateUp(new JobOutcome.Succeeded(null), null), T0);

        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(message(s, ConditionTypes.FEATURES_READY)).isEqualTo("the initial load into "
                + "redis://redis.cache.svc:6379, prefix 'shop:movies:' is done");
        assertThat(s.features().users()).isNull();
    }

    @Test
    void onlyAChangeOfDataAddressOrPrefixRunsTheLoadAgain() {
        Recommender r = trainedRedisCandidate();
        step(r, candidateUp(new JobOutcome.Succeeded(LOADED), null), T0);
        String loaded = Plan.of(r).featureStore().loadHash();

        RecommenderSpec s0 = r.getSpec();
        var t = s0.model().training();
        r.setSpec(new RecommenderSpec(new io.recommender.api.v1alpha1.ModelSource(new io.recommender.api.v1alpha1
                .TrainingSpec(t.dataset(), 9, t.embeddingSize(), t.seed(), t.gpus(), null, null, null, null), null),
                s0.features(), s0.topology(), s0.serving(), s0.slo(), s0.registry()));
        assertThat(Plan.of(r).featureStore().loadHash()).as("epochs are not the store's business").isEqualTo(loaded);
        assertThat(Plan.of(r).featureLoadNeeded()).isFalse();

        withFeatures(r, new FeaturesSpec(FeaturesSpec.FeatureSource.Redis, new FeaturesSpec.RedisSpec(
                "redis://redis.cache.svc:6379", null, null, null, "movies:v2:", null)));
        assertThat(Plan.of(r).featureStore().loadHash()).isNotEqualTo(loaded);
        assertThat(Plan.of(r).featureLoadNeeded()).isTrue();
    }

    @Test
    void failedLoadIsDegradedWithTheJobsMessageAndRetriedWithBackoff() {
        Recommender r = trainedRedisCandidate();
        Instant failedAt = T0.plusSeconds(60);
        JobOutcome failed = new JobOutcome.Failed("Job movies-features-x failed: BackoffLimitExceeded",
                "error: cannot reach redis://:hunter2@redis.cache.svc:6379: Connection refused", "materialize", 1,
                failedAt);

        RecommenderStatus s = step(r, candidateUp(failed, null), failedAt);
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/InitialLoadFailed");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/InitialLoadFailed");
        assertThat(condition(s, ConditionTypes.PROGRESSING)).isEqualTo("False/InitialLoadFailed");
        assertThat(message(s, ConditionTypes.FEATURES_READY)).contains("Connection refused")
                .contains("next attempt at " + failedAt.plusSeconds(30)).doesNotContain("hunter2");
        assertThat(message(s, ConditionTypes.DEGRADED)).doesNotContain("hunter2");
        assertThat(Flow.decide(r, Plan.of(r), candidateUp(failed, null), failedAt).wakeUp())
                .isEqualTo(failedAt.plusSeconds(30));
        assertThat(Plan.of(r).gateNeeded()).isFalse();
        assertThat(Plan.of(r).featureLoadNeeded()).as("the failed Job stays until it is due").isTrue();

        // Due: the failed Job is deleted ...
        s = step(r, candidateUp(failed, null), failedAt.plusSeconds(31));
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/RetryingInitialLoad");
        assertThat(Plan.of(r).featureLoadNeeded()).isFalse();
        // ... and made again, still failing since the first failure, so the next wait is longer.
        s = step(r, candidateUp(JobOutcome.ABSENT, null), failedAt.plusSeconds(32));
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/InitialLoadFailed");
        assertThat(Plan.of(r).featureLoadNeeded()).isTrue();
        Instant again = failedAt.plusSeconds(200);
        s = step(r, candidateUp(new JobOutcome.Failed("Job failed", "still refused", "materialize", 1, again), null),
                again);
        assertThat(message(s, ConditionTypes.FEATURES_READY)).endsWith("next attempt at " + again.plusSeconds(200));

        s = step(r, candidateUp(new JobOutcome.Succeeded(LOADED), null), again.plusSeconds(300));
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
    }

    @Test
    void aLoadThatCannotStartSaysWhy() {
        Recommender r = trainedRedisCandidate();
        RecommenderStatus s = step(r, candidateUp(JobOutcome.RUNNING, "movies-features-x-abcde/materialize: "
                + "CreateContainerConfigError: secret \"redis-auth\" not found"), T0);

        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/InitialLoadStuck");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/InitialLoadStuck");
        assertThat(message(s, ConditionTypes.DEGRADED)).contains("secret \"redis-auth\" not found");
        assertThat(s.phase()).isNotEqualTo(Phase.Verifying);
    }

    @Test
    void aMissingPasswordSecretIsNamedAndLookedForAgain() {
        Recommender r = trainedRedisCandidate();
        String missing = "Secret redis-auth (features.redis.passwordSecretRef.name) does not exist in namespace shop";
        Flow.Decision d = Flow.decide(r, Plan.of(r), candidateUp(JobOutcome.RUNNING, null).withPasswordProblem(missing),
                T0);
        r.setStatus(d.status());

        assertThat(condition(d.status(), ConditionTypes.FEATURES_READY)).isEqualTo("False/PasswordSecretMissing");
        assertThat(condition(d.status(), ConditionTypes.DEGRADED)).isEqualTo("True/PasswordSecretMissing");
        assertThat(message(d.status(), ConditionTypes.DEGRADED)).isEqualTo(missing);
        assertThat(d.wakeUp()).isEqualTo(T0.plus(FeaturesOutcome.SECRET_LOOK_AGAIN));
        assertThat(Plan.of(r).featureLoadNeeded()).as("the Job waits for the Secret; the kubelet retries").isTrue();
        assertThat(Plan.of(r).gateNeeded()).isFalse();

        RecommenderStatus s = step(r, candidateUp(new JobOutcome.Succeeded(LOADED), null), T0.plusSeconds(40));
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/Loaded");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");

        // Deleted after the load: the pods cannot start, so it is reported again; the load stays recorded.
        s = step(r, candidateUp(JobOutcome.ABSENT, null).withPasswordProblem(missing), T0.plusSeconds(50));
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("False/PasswordSecretMissing");
        assertThat(s.features().users()).isEqualTo(610L);
        assertThat(Plan.of(r).featureLoadNeeded()).isFalse();
    }

    @Test
    void anArtifactHasNoDataToLoadAndReadsTheStoreAsItIs() {
        Recommender r = withFeatures(Fixtures.artifact("movies", Topology.TwoPod), new FeaturesSpec(
                FeaturesSpec.FeatureSource.Redis, new FeaturesSpec.RedisSpec(null, "redis.cache", 6380, null,
                        "movies:", true)));
        assertThat(Plan.of(r).featureLoadNeeded()).isFalse();

        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, false, JobOutcome.ABSENT), T0);
        assertThat(condition(s, ConditionTypes.FEATURES_READY)).isEqualTo("True/NoInitialLoad");
        assertThat(s.candidate().features().url()).isEqualTo("rediss://redis.cache.svc:6380");
        assertThat(s.features().loadHash()).isNull();
        assertThat(Plan.of(r).gateNeeded()).isTrue();
    }

    @Test
    void switchingBackToBundleRemovesTheConditionAndTheStatus() {
        Recommender r = trainedRedisCandidate();
        step(r, candidateUp(new JobOutcome.Succeeded(LOADED), null), T0);
        withFeatures(r, null);

        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, false, false, JobOutcome.ABSENT), T0);
        assertThat(Conditions.find(s.conditions(), ConditionTypes.FEATURES_READY)).isEmpty();
        assertThat(s.features()).isNull();
    }
}
