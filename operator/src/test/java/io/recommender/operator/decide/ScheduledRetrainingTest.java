package io.recommender.operator.decide;

import static io.recommender.operator.decide.FlowTest.PASS;
import static io.recommender.operator.decide.FlowTest.REGISTRY;
import static io.recommender.operator.decide.FlowTest.condition;
import static io.recommender.operator.decide.FlowTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.api.v1alpha1.ModelSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.Fixtures;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.SpecHashes;
import io.recommender.operator.observe.DatasetFingerprint;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.status.ConditionTypes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A training schedule through the whole decision: ticks, skipped ticks, runs, their gate and their failures. */
class ScheduledRetrainingTest {
    static final DatasetFingerprint DATA_A = DatasetFingerprint.of("etag \"a\"");
    static final DatasetFingerprint DATA_B = DatasetFingerprint.of("etag \"b\"");
    static final DatasetFingerprint DATA_C = DatasetFingerprint.of("etag \"c\"");
    /** A Wednesday; the schedule ticks on Mondays at 03:00 UTC. */
    static final Instant WEDNESDAY = Instant.parse("2026-12-02T10:00:00Z");
    static final Instant MONDAY = Instant.parse("2026-12-07T03:00:05Z");

    static Recommender scheduled(String cron, String retrain) {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        setSchedule(r, cron, null, retrain);
        return r;
    }

    static void setSchedule(Recommender r, String cron, String zone, String retrain) {
        RecommenderSpec s = r.getSpec();
        TrainingSpec t = s.model().training();
        r.setSpec(new RecommenderSpec(new ModelSource(new TrainingSpec(t.dataset(), t.epochs(), t.embeddingSize(),
                t.seed(), t.gpus(), t.resources(), t.nodeSelector(), t.tolerations(), t.image(), cron, zone, retrain),
                null), s.features(), s.topology(), s.serving(), s.slo(), s.registry(), s.quality(), s.history()));
    }

    /** One reconcile at {@code now}; the dataset's fingerprint is given only when the decision asks for it. */
    static Flow.Decision step(Recommender r, Observation seen, Instant now, DatasetFingerprint data) {
        Plan plan = Plan.of(r);
        Observation o = Schedule.fingerprintWanted(r.getSpec(), plan.status().schedule(), now) ? seen.withDataset(data)
                : seen;
        Flow.Decision d = Flow.decide(r, plan, o, now);
        assertThat(d.plan().status()).isEqualTo(d.status());
        r.setStatus(d.status());
        return d;
    }

    static Observation idle() {
        return new Observation(JobOutcome.ABSENT, false, true, JobOutcome.ABSENT, null, REGISTRY);
    }

    /** Trains, deploys and promotes model {@code version} of the plan as it is, at {@code now}. */
    static void trainAndPromote(Recommender r, long version, Instant now, DatasetFingerprint data) {
        step(r, new Observation(new JobOutcome.Succeeded(Fixtures.packaged(version)), false, true, JobOutcome.ABSENT,
                null, REGISTRY), now, data);
        step(r, new Observation(JobOutcome.ABSENT, true, true, JobOutcome.ABSENT, null, REGISTRY), now, data);
        RecommenderStatus s = step(r, new Observation(JobOutcome.ABSENT, true, true, new JobOutcome.Succeeded(PASS), null,
                REGISTRY), now, data).status();
        assertThat(s.stable().modelVersion()).isEqualTo(Long.toString(version));
        assertThat(s.candidate()).isNull();
    }

    @Test
    void unchangedDataTrainsNothingAndNewDataTrainsTheSameSpecAgain() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        RecommenderStatus s = r.getStatus();
        assertThat(s.schedule().schedule()).isEqualTo("0 3 * * 1 UTC");
        assertThat(s.schedule().nextTick()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(s.schedule().dataFingerprint()).isEqualTo(DATA_A.value());
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("True/Waiting");
        String firstTraining = Plan.of(r).trainingHash();

        // Before the tick: nothing to do, and the reconciler is woken at the tick.
        Flow.Decision d = step(r, idle(), WEDNESDAY.plusSeconds(3600), DATA_A);
        assertThat(d.wakeUp()).isEqualTo(Instant.parse("2026-12-07T03:00:00Z"));

        // The tick, data unchanged: no run, no Job; the status says why.
        d = step(r, idle(), MONDAY, DATA_A);
        s = d.status();
        assertThat(d.wakeUp()).isEqualTo(Instant.parse("2026-12-14T03:00:00Z"));
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(Plan.of(r).trainingHash()).isEqualTo(firstTraining);
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("True/DataUnchanged");
        assertThat(s.schedule().skipped()).isEqualTo("the tick of 2026-12-07T03:00:00Z trained nothing: the data did "
                + "not change (etag \"a\")");
        assertThat(s.schedule().lastTick()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(s.stable().modelVersion()).isEqualTo("1");
        // The same reconcile again changes nothing (no write).
        assertThat(step(r, idle(), MONDAY.plusSeconds(60), DATA_A).status()).isEqualTo(s);

        // The next tick, new data: a run of the same spec, with a training Job and a version of its own.
        Instant next = Instant.parse("2026-12-14T03:00:01Z");
        d = step(r, idle(), next, DATA_B);
        s = d.status();
        assertThat(d.wakeUp()).isEqualTo(next);
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("True/RunStarted");
        assertThat(message(s, ConditionTypes.SCHEDULED)).startsWith("the tick of 2026-12-14T03:00:00Z started a run: "
                + "the data changed (etag \"b\")");
        assertThat(s.schedule().run()).isEqualTo("2026-12-14T03:00:00Z");
        assertThat(s.schedule().dataFingerprint()).isEqualTo(DATA_B.value());
        Plan run = Plan.of(r);
        assertThat(run.trainingNeeded()).isTrue();
        assertThat(run.trainingHash()).isNotEqualTo(firstTraining)
                .isEqualTo(SpecHashes.trainingRun(firstTraining, "2026-12-14T03:00:00Z"));
        assertThat(Names.trainingJob(r, run.trainingHash())).isNotEqualTo(Names.trainingJob(r, firstTraining));
        assertThat(run.identity()).isNotEqualTo(run.versionHash());

        // It trains, passes the gate and is promoted; the version it replaced is in history.
        trainAndPromote(r, 2, next, DATA_B);
        s = r.getStatus();
        assertThat(s.history().get(0).modelVersion()).isEqualTo("1");
        assertThat(s.stable().specHash()).isEqualTo(s.history().get(0).specHash());
        assertThat(Plan.of(r).serving()).isTrue();
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(step(r, idle(), next.plusSeconds(600), DATA_B).status().stable().modelVersion()).isEqualTo("2");
    }

    @Test
    void anOperatorDownForWeeksMakesUpOneRunNotEveryMissedTick() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        Instant later = Instant.parse("2027-01-06T09:00:00Z");
        Flow.Decision d = step(r, idle(), later, DATA_B);
        assertThat(d.status().schedule().run()).isEqualTo("2027-01-04T03:00:00Z");
        trainAndPromote(r, 2, later, DATA_B);
        // The missed ticks before it are not run.
        d = step(r, idle(), later.plusSeconds(60), DATA_C);
        assertThat(d.status().schedule().run()).isEqualTo("2027-01-04T03:00:00Z");
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(d.wakeUp()).isEqualTo(Instant.parse("2027-01-11T03:00:00Z"));
    }

    @Test
    void aTickWhileARunIsInProgressIsSkippedNotQueued() {
        Recommender r = scheduled("0 3 * * *", "Always");
        // The first training is still running at the first tick.
        step(r, new Observation(JobOutcome.RUNNING, false, false, JobOutcome.ABSENT, null, REGISTRY), WEDNESDAY, DATA_A);
        Instant tick = Instant.parse("2026-12-03T03:00:00Z");
        RecommenderStatus s = step(r, new Observation(JobOutcome.RUNNING, false, false, JobOutcome.ABSENT, null, REGISTRY),
                tick, DATA_A).status();
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("True/RunInProgress");
        assertThat(s.schedule().skipped()).isEqualTo("the tick of 2026-12-03T03:00:00Z was skipped: a run was still "
                + "in progress");
        assertThat(s.schedule().run()).isNull();
        // Finished after the tick: nothing starts until the next one.
        trainAndPromote(r, 1, tick.plusSeconds(600), DATA_A);
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        // retrain: Always trains at the next tick though the data did not change.
        Flow.Decision d = step(r, idle(), Instant.parse("2026-12-04T03:00:00Z"), DATA_A);
        assertThat(d.status().schedule().run()).isEqualTo("2026-12-04T03:00:00Z");
        assertThat(message(d.status(), ConditionTypes.SCHEDULED)).contains("retrain: Always");
        assertThat(Plan.of(r).trainingNeeded()).isTrue();
    }

    @Test
    void aRunThatFailsBlocksOnlyItselfAndTheStableVersionKeepsServing() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        step(r, idle(), MONDAY, DATA_B);
        RecommenderStatus s = step(r, new Observation(new JobOutcome.Failed("Job failed: BackoffLimitExceeded",
                "error: ratings.csv line 7: not a rating"), false, true, JobOutcome.ABSENT, null, REGISTRY), MONDAY,
                DATA_B).status();
        assertThat(condition(s, ConditionTypes.TRAINED)).isEqualTo("False/TrainingFailed");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        assertThat(s.stable().modelVersion()).isEqualTo("1");
        assertThat(condition(s, ConditionTypes.READY)).startsWith("True/");
        // No retry loop.
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(step(r, idle(), MONDAY.plusSeconds(3600), DATA_B).status()).isEqualTo(s);
        // The next tick with new data tries again.
        step(r, idle(), Instant.parse("2026-12-14T03:00:00Z"), DATA_C);
        assertThat(Plan.of(r).blocked()).isFalse();
        assertThat(Plan.of(r).trainingNeeded()).isTrue();
    }

    @Test
    void editingOrRemovingTheScheduleRetrainsNothing() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        step(r, idle(), MONDAY, DATA_B);
        trainAndPromote(r, 2, MONDAY, DATA_B);
        String version = Plan.of(r).versionHash();

        setSchedule(r, "30 4 * * *", "Europe/Paris", "Always");
        RecommenderStatus s = step(r, idle(), MONDAY.plusSeconds(60), DATA_B).status();
        assertThat(Plan.of(r).versionHash()).isEqualTo(version);
        assertThat(Plan.of(r).serving()).isTrue();
        assertThat(s.schedule().schedule()).isEqualTo("30 4 * * * Europe/Paris");
        // A new schedule does not make up the ticks before it.
        assertThat(s.schedule().lastTick()).isEqualTo("2026-12-06T03:30:00Z");
        assertThat(s.stable().modelVersion()).isEqualTo("2");

        setSchedule(r, null, null, null);
        s = step(r, idle(), MONDAY.plusSeconds(120), DATA_B).status();
        assertThat(s.conditions()).noneMatch(c -> ConditionTypes.SCHEDULED.equals(c.getType()));
        // The run the stable version came from is remembered: it still serves, nothing trains, nothing rolls back.
        assertThat(s.schedule().run()).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(s.schedule().schedule()).isNull();
        assertThat(s.stable().modelVersion()).isEqualTo("2");
        assertThat(Plan.of(r).serving()).isTrue();
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
    }

    @Test
    void aFingerprintThatCannotBeReadTrainsNothingAndSaysWhy() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        RecommenderStatus s = step(r, idle(), MONDAY, DatasetFingerprint.unreadable(
                "https://data.example.com/ml.zip?... answered HTTP 403")).status();
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("False/FingerprintUnreadable");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/FingerprintUnreadable");
        assertThat(s.schedule().skipped()).contains("answered HTTP 403", "set retrain: Always");
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(s.stable().modelVersion()).isEqualTo("1");
    }

    @Test
    void anInvalidScheduleIsAConditionAndTouchesNothing() {
        Recommender r = scheduled("0 3 * * 1", null);
        trainAndPromote(r, 1, WEDNESDAY, DATA_A);
        setSchedule(r, "0 3 * * 1", "Mars/Olympus", null);
        RecommenderStatus s = step(r, idle(), MONDAY, DATA_B).status();
        assertThat(condition(s, ConditionTypes.SCHEDULED)).isEqualTo("False/InvalidSchedule");
        assertThat(condition(s, ConditionTypes.DEGRADED)).isEqualTo("True/InvalidSchedule");
        assertThat(condition(s, ConditionTypes.READY)).startsWith("True/");
        assertThat(message(s, ConditionTypes.SCHEDULED)).contains("Mars/Olympus");
        assertThat(Plan.of(r).trainingNeeded()).isFalse();
        assertThat(s.stable().modelVersion()).isEqualTo("1");
    }
}
