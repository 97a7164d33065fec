package io.recommender.operator.observe;

import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.registry.RegistryState;

/**
 * What the reconciler saw of the owned objects: the current version's training and gate Jobs, whether the
 * candidate and stable recommender Deployments are available, why the candidate's pods cannot start (null when
 * nothing is wrong, e.g. an image that cannot be pulled), whether the registry can take pushes, and, while a GPU
 * training pod waits or runs, its GPU capacity (null otherwise).
 */
public record Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
        String candidateProblem, RegistryState registry, GpuState gpu) {

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
            String candidateProblem, RegistryState registry) {
        this(training, candidateReady, stableReady, gate, candidateProblem, registry, null);
    }

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
            String candidateProblem) {
        this(training, candidateReady, stableReady, gate, candidateProblem, RegistryState.NONE);
    }

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate) {
        this(training, candidateReady, stableReady, gate, null);
    }
}
