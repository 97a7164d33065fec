package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.registry.RegistryState;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;

/**
 * The conditions that sum a Recommender up (GpuCapacity, Ready, Progressing, Degraded) and its phase, from what
 * the flow decided and the step conditions it set.
 *
 * @param phase the status's phase
 * @param registryProblem the ImagesReady reason while a registry holds things up, else null
 */
record StatusSummary(Phase phase, String registryProblem) {

    /**
     * @param busy the phase of a step under way, else null
     * @param registryProblem what the training step found of the registry, else null
     * @param blocked the current spec's version is rejected
     */
    static StatusSummary of(Conditions c, Observation seen, ModelVersion stable, ModelVersion candidate, Phase busy,
            String registryProblem, boolean blocked, FeaturesOutcome features) {
        GpuState gpu = seen.gpu();
        if (gpu != null) {
            c.set(ConditionTypes.GPU_CAPACITY, gpu.status(), gpu.reason(), gpu.message());
        } else {
            c.remove(ConditionTypes.GPU_CAPACITY);
        }
        if (stable != null && seen.stableReady()) {
            c.setTrue(ConditionTypes.READY, "Serving", "version " + stable.modelVersion() + " serves traffic");
        } else if (stable != null) {
            c.setFalse(ConditionTypes.READY, "StableUnavailable",
                    "version " + stable.modelVersion() + " has no available pods");
        } else {
            c.setFalse(ConditionTypes.READY, "NoVersionPromoted", "no version has passed the latency gate yet");
        }
        if (registryProblem == null && seen.registry() instanceof RegistryState.Unavailable u) {
            // The serving pods' pull credentials cannot be renewed either.
            registryProblem = u.reason();
            c.setFalse(ConditionTypes.IMAGES_READY, u.reason(), u.message());
        }
        if (busy != null) {
            c.setTrue(ConditionTypes.PROGRESSING, busy.name(), busy == Phase.Verifying && !features.ready()
                    ? "loading the feature store before load-testing candidate version " + candidate.modelVersion()
                    : progressMessage(busy, candidate));
        } else if (registryProblem != null && !blocked) {
            c.setFalse(ConditionTypes.PROGRESSING, registryProblem, "waiting for the registry; retrying with backoff");
        } else if (features.problem() != null && !blocked) {
            c.setFalse(ConditionTypes.PROGRESSING, features.problem(),
                    "waiting for the feature store's initial load; retrying with backoff");
        } else {
            c.setFalse(ConditionTypes.PROGRESSING, blocked ? "VersionRejected" : "Idle",
                    blocked ? "the current spec's version was rejected; edit the spec or set the "
                            + Plan.RETRY_ANNOTATION + " annotation to try again" : "nothing to do");
        }
        if (blocked) {
            c.setTrue(ConditionTypes.DEGRADED, "VersionRejected", rejectionMessage(c));
        } else if (registryProblem != null) {
            String problem = registryProblem;
            c.setTrue(ConditionTypes.DEGRADED, registryProblem, Conditions.find(c.list(), ConditionTypes.IMAGES_READY)
                    .map(x -> x.getMessage()).orElse(problem));
        } else if (Conditions.find(c.list(), ConditionTypes.PINNED).filter(p -> "PinNotServed".equals(p.getReason()))
                .isPresent()) {
            c.setTrue(ConditionTypes.DEGRADED, "PinNotServed", Conditions.find(c.list(), ConditionTypes.PINNED)
                    .orElseThrow().getMessage());
        } else if (Conditions.find(c.list(), ConditionTypes.LATENCY_VERIFIED)
                .filter(x -> "False".equals(x.getStatus()) && "AnalysisFailed".equals(x.getReason())).isPresent()) {
            // Failed on live traffic with nothing to roll back to: it serves, and it is wrong.
            c.setTrue(ConditionTypes.DEGRADED, "AnalysisFailed", Conditions.find(c.list(),
                    ConditionTypes.LATENCY_VERIFIED).orElseThrow().getMessage());
        } else if (Conditions.find(c.list(), ConditionTypes.SCHEDULED).filter(x -> "False".equals(x.getStatus()))
                .isPresent()) {
            // The schedule does nothing until the spec changes: as wrong as a refused spec, though the stable serves.
            var scheduled = Conditions.find(c.list(), ConditionTypes.SCHEDULED).orElseThrow();
            c.setTrue(ConditionTypes.DEGRADED, scheduled.getReason(), scheduled.getMessage());
        } else if (features.problem() != null) {
            c.setTrue(ConditionTypes.DEGRADED, features.problem(), Conditions.find(c.list(),
                    ConditionTypes.FEATURES_READY).map(x -> x.getMessage()).orElse(features.problem()));
        } else if (gpu != null && gpu.needsAction()) {
            c.setTrue(ConditionTypes.DEGRADED, gpu.reason(), gpu.message());
        } else if (candidate != null && !seen.candidateReady() && seen.candidateProblem() != null) {
            c.setTrue(ConditionTypes.DEGRADED, "CandidateFailing", seen.candidateProblem());
        } else {
            c.setFalse(ConditionTypes.DEGRADED, "AsExpected", "no failure");
        }
        Phase phase = busy != null ? busy
                : stable != null && seen.stableReady() ? Phase.Ready
                : blocked ? Phase.Failed
                : Phase.Pending;
        return new StatusSummary(phase, registryProblem);
    }

    private static String progressMessage(Phase busy, ModelVersion candidate) {
        return switch (busy) {
            case Training -> "training a model";
            case Packaging -> "pushing the trained model's images";
            case Deploying -> "rolling out candidate version " + candidate.modelVersion();
            case Verifying -> "load-testing candidate version " + candidate.modelVersion();
            default -> busy.name();
        };
    }

    /** Why the version was rejected: the failed step's condition. */
    private static String rejectionMessage(Conditions c) {
        for (String type : new String[] {ConditionTypes.LATENCY_VERIFIED, ConditionTypes.QUALITY_VERIFIED,
                ConditionTypes.TRAINED}) {
            var cond = Conditions.find(c.list(), type);
            if (cond.isPresent() && "False".equals(cond.get().getStatus())) {
                return cond.get().getReason() + ": " + cond.get().getMessage();
            }
        }
        return "the current version was rejected";
    }
}
