package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.HistorySpec;
import io.recommender.api.v1alpha1.LoadTestSummary;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.AnalysisStatus;
import io.recommender.operator.naming.SpecHashes;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The pipeline as a pure function: from a Recommender's plan (spec and the status last recorded) and what was
 * observed of its Jobs and Deployments, the next status. train -> deploy candidate -> load test -> promote or
 * reject. Everything the next reconcile needs is in the result, so a restarted operator resumes. The steps'
 * details are their own classes: {@link TrainingOutcome}, {@link GateVerdict}, {@link CandidateModel},
 * {@link StatusSummary}.
 */
public final class Flow {
    private Flow() {}

    /**
     * The next status; when the reconciler should look again though no event comes (a retry that is due later),
     * or null; and the plan of the next status, which the workflow builds the owned objects from.
     */
    public record Decision(RecommenderStatus status, Instant wakeUp, Plan plan) {}

    public static Decision decide(Recommender r, Plan plan, Observation seen, Instant now) {
        RecommenderStatus prev = plan.status();
        long generation = r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
        Conditions c = new Conditions(prev.conditions(), now, generation);

        ModelVersion stable = prev.stable();
        List<ModelVersion> history = prev.history() == null ? List.of() : prev.history();
        LoadTestSummary lastLoadTest = prev.lastLoadTest();
        String rejected = prev.rejectedSpecHash();
        String retryToken = prev.retryToken();
        ModelVersion candidate = plan.candidate();
        Phase busy = null;
        Instant wakeUp = null;
        String registryProblem = null;
        FeaturesOutcome features = FeaturesOutcome.of(plan, seen, c, now);
        Schedule schedule = Schedule.decide(r.getSpec(), plan.versionHash(), prev.schedule(), now,
                candidate != null || plan.trainingNeeded(), seen.dataset(), c);
        if (schedule.runStarted()) {
            // The run is a new training of this version: the next reconcile (at once) observes and acts on its plan.
            RecommenderStatus next = new RecommenderStatus(generation, prev.phase(), c.list(), stable, prev.candidate(),
                    lastLoadTest, prev.history(), rejected, retryToken, prev.features(), schedule.status(),
                    prev.analysis());
            return new Decision(next, now, plan.with(next));
        }

        // The serving version on live traffic: a failed analysis serves the previous version again, and the failed
        // version stays rejected (no ping-pong) until the spec changes.
        AnalysisStatus analysis = prev.analysis();
        Instant analysisWakeUp = null;
        if (plan.serving()) {
            Analysis a = Analysis.step(r.getSpec().slo(), analysis, stable, seen.live(), now);
            analysis = a.status();
            analysisWakeUp = a.wakeUp();
            if (a.rollBack()) {
                String what = "version " + stable.modelVersion() + " missed the SLO on live traffic in "
                        + analysis.failedIntervals() + " of " + analysis.intervals() + " intervals (last: "
                        + analysis.last() + ")";
                if (history.isEmpty()) {
                    analysis = Analysis.failedWithoutRollback(analysis);
                    c.setFalse(ConditionTypes.LATENCY_VERIFIED, "AnalysisFailed", what
                            + "; there is no earlier version to roll back to, so it keeps serving");
                } else {
                    ModelVersion previous = history.get(0);
                    history = List.copyOf(history.subList(1, history.size()));
                    c.setFalse(ConditionTypes.LATENCY_VERIFIED, "AnalysisFailed", what + "; rolled back to version "
                            + previous.modelVersion());
                    stable = promoted(previous, now, previous.sloHash());
                    rejected = plan.gateKey();
                    retryToken = plan.retryToken();
                }
            }
        }

        Rollback back = plan.serving() || plan.blocked() || candidate != null ? Rollback.NONE
                : Rollback.of(r, plan, history, generation);
        if (r.getSpec().quality() == null) {
            c.remove(ConditionTypes.QUALITY_VERIFIED);
        }
        if (r.getSpec().model().pinnedVersion() == null) {
            c.remove(ConditionTypes.PINNED);
        } else if (back.refusal() != null) {
            c.setFalse(ConditionTypes.PINNED, "PinNotServed", back.refusal());
        }
        if (plan.serving()) {
            candidate = null;
        } else if (back.refusal() != null) {
            // Nothing trains for a pin, and the stable version keeps serving until the pin names a known version.
            candidate = null;
        } else if (back.promoteNow()) {
            ModelVersion replaced = stable;
            // The stable version itself (a pin naming it): only its spec hash changes.
            boolean same = back.served().equals(replaced);
            history = same ? history : prepend(replaced, Rollback.without(history, back.served()));
            stable = promoted(back.version(), now, back.version().sloHash());
            candidate = null;
            // It passed the gate before; a live analysis judges only versions promoted through the gate.
            analysis = null;
            String what = "version " + stable.modelVersion() + " passed the latency gate when first promoted; "
                    + (same ? "it keeps serving" : "promoted again at once" + (replaced == null ? ""
                            : ", replacing " + replaced.modelVersion()));
            c.setTrue(ConditionTypes.LATENCY_VERIFIED, "VerifiedBefore", what);
        } else if (!plan.blocked()) {
            if (candidate == null && back.version() != null) {
                // Known, but gated under another topology or SLO: gated again like any candidate.
                candidate = back.version();
                if (r.getSpec().model().pinnedVersion() != null) {
                    c.setFalse(ConditionTypes.PINNED, "PinnedVersionVerifying", "version " + candidate.modelVersion()
                            + " passed the latency gate under another topology or SLO; it is load-tested before it "
                            + "serves");
                }
            }
            if (candidate == null) {
                candidate = CandidateModel.withoutTraining(r, plan, generation);
                if (candidate == null) {
                    TrainingOutcome t = TrainingOutcome.of(r, plan, seen, generation, c, now);
                    candidate = t.version();
                    busy = t.busy();
                    wakeUp = t.wakeUp();
                    registryProblem = t.registryProblem();
                    if (t.failed()) {
                        rejected = plan.identity();
                        retryToken = plan.retryToken();
                    }
                }
            }
            if (candidate != null) {
                CandidateModel.markReady(r, candidate, stable, c);
                if (!seen.candidateReady()) {
                    busy = Phase.Deploying;
                    awaitRollout(c, seen, candidate);
                } else if (!features.ready()) {
                    c.setTrue(ConditionTypes.DEPLOYED, "CandidateAvailable",
                            "candidate version " + candidate.modelVersion() + " is available");
                    c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingFeatures",
                            "the load test starts once the feature store's initial load is done");
                    busy = features.loading() ? Phase.Verifying : busy;
                } else {
                    c.setTrue(ConditionTypes.DEPLOYED, "CandidateAvailable",
                            "candidate version " + candidate.modelVersion() + " is available");
                    GateVerdict g = GateVerdict.of(r.getSpec().slo(), seen.gate(), candidate, now);
                    if (g.summary() != null) {
                        lastLoadTest = g.summary();
                    }
                    if (g.passed()) {
                        c.setTrue(ConditionTypes.LATENCY_VERIFIED, "SloMet", g.message());
                        history = prepend(stable, history);
                        stable = promoted(candidate, now, SpecHashes.slo(r.getSpec()));
                        candidate = null;
                        analysis = Analysis.start(r.getSpec().slo(), stable, now);
                        analysisWakeUp = analysis == null ? null : Instant.parse(analysis.nextCheck());
                    } else if (g.failed()) {
                        c.setFalse(ConditionTypes.LATENCY_VERIFIED, g.reason(), g.message());
                        // Refused under this SLO: another SLO judges the same version afresh.
                        rejected = plan.gateKey();
                        retryToken = plan.retryToken();
                        candidate = null;
                    } else {
                        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "LoadTestRunning", g.message());
                        busy = Phase.Verifying;
                    }
                }
            }
        }

        String pin = r.getSpec().model().pinnedVersion();
        if (pin != null && stable != null && pin.equals(stable.modelVersion())
                && plan.versionHash().equals(stable.specHash())) {
            c.setTrue(ConditionTypes.PINNED, "PinnedVersionServing", "version " + pin
                    + " serves, as spec.model.pinnedVersion asks; remove it to serve the newest version again");
        }
        boolean blocked = Plan.blocks(rejected, plan.identity(), plan.gateKey())
                && Objects.equals(retryToken, plan.retryToken());
        StatusSummary summary = StatusSummary.of(c, seen, stable, candidate, busy, registryProblem, blocked,
                features);
        if (summary.registryProblem() != null && wakeUp == null) {
            wakeUp = now.plus(RegistryBackoff.of(c, now));
        }
        if (features.wakeUp() != null && (wakeUp == null || features.wakeUp().isBefore(wakeUp))) {
            wakeUp = features.wakeUp();
        }
        if (schedule.wakeUp() != null && (wakeUp == null || schedule.wakeUp().isBefore(wakeUp))) {
            wakeUp = schedule.wakeUp();
        }
        if (analysisWakeUp != null && (wakeUp == null || analysisWakeUp.isBefore(wakeUp))) {
            wakeUp = analysisWakeUp;
        }
        // A lowered limit drops the oldest versions at once; they can no longer be pinned.
        int limit = HistorySpec.limitOf(r.getSpec().history());
        history = history.size() > limit ? List.copyOf(history.subList(0, limit)) : history;
        RecommenderStatus next = new RecommenderStatus(generation, summary.phase(), c.list(), stable, candidate,
                lastLoadTest, history.isEmpty() ? null : history, rejected, retryToken, features.status(),
                schedule.status(), analysis);
        return new Decision(next, wakeUp, plan.with(next));
    }

    /** The candidate Deployment is not available yet: Kubernetes keeps retrying, so say why it waits. */
    private static void awaitRollout(Conditions c, Observation seen, ModelVersion candidate) {
        if (seen.candidateProblem() != null) {
            c.setFalse(ConditionTypes.DEPLOYED, "CandidateFailing", seen.candidateProblem());
        } else {
            c.setFalse(ConditionTypes.DEPLOYED, "CandidateRollingOut",
                    "waiting for the candidate Deployment of version " + candidate.modelVersion() + " to be available");
        }
        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingCandidate", "the candidate is not available yet");
    }

    private static ModelVersion promoted(ModelVersion v, Instant now, String sloHash) {
        return new ModelVersion(v.modelVersion(), v.generation(), v.specHash(), v.trainingHash(), v.topology(),
                v.modelName(), v.image(), v.tfServingImage(), v.metrics(), now.toString(), v.features(), sloHash);
    }

    private static List<ModelVersion> prepend(ModelVersion v, List<ModelVersion> history) {
        if (v == null) {
            return history;
        }
        List<ModelVersion> h = new ArrayList<>();
        h.add(v);
        h.addAll(history);
        return List.copyOf(h);
    }
}
