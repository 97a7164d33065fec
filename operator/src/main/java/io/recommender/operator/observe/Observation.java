package io.recommender.operator.observe;

import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.registry.RegistryState;

/**
 * What the reconciler saw of the owned objects: the current version's training and gate Jobs, whether the
 * candidate and stable recommender Deployments are available, why the candidate's pods cannot start (null when
 * nothing is wrong, e.g. an image that cannot be pulled), whether the registry can take pushes, and, while a GPU
 * training pod waits or runs, its GPU capacity (null otherwise); with a Redis feature store, its initial load Job
 * and why that Job's pod cannot start (null when nothing is wrong), and what is wrong with the password Secret the
 * spec names (null when it and its key exist); when a training schedule's tick needs it, the dataset's fingerprint;
 * when a live analysis interval is due, what the stable pods served since the previous one.
 */
public record Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
        String candidateProblem, RegistryState registry, GpuState gpu, JobOutcome featureLoad,
        String featureLoadProblem, String passwordProblem, DatasetFingerprint dataset, LiveWindow live) {

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
            String candidateProblem, RegistryState registry, GpuState gpu, JobOutcome featureLoad,
            String featureLoadProblem, String passwordProblem, DatasetFingerprint dataset) {
        this(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu, featureLoad,
                featureLoadProblem, passwordProblem, dataset, null);
    }

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
            String candidateProblem, RegistryState registry, GpuState gpu, JobOutcome featureLoad,
            String featureLoadProblem, String passwordProblem) {
        this(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu, featureLoad,
                featureLoadProblem, passwordProblem, null, null);
    }

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
            String candidateProblem, RegistryState registry, GpuState gpu) {
        this(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu, JobOutcome.ABSENT, null,
                null);
    }

    /** The same, with what became of the feature store's initial load. */
    public Observation withFeatureLoad(JobOutcome load, String problem) {
        return new Observation(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu, load,
                problem, passwordProblem, dataset, live);
    }

    /** The same, with what is wrong with the password Secret. */
    public Observation withPasswordProblem(String problem) {
        return new Observation(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu,
                featureLoad, featureLoadProblem, problem, dataset, live);
    }

    /** The same, with the training dataset's fingerprint (read only when a schedule's tick needs it). */
    public Observation withDataset(DatasetFingerprint fingerprint) {
        return new Observation(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu,
                featureLoad, featureLoadProblem, passwordProblem, fingerprint, live);
    }

    /** The same, with what the stable pods served since the previous reading (only when an analysis interval is due). */
    public Observation withLive(LiveWindow window) {
        return new Observation(training, candidateReady, stableReady, gate, candidateProblem, registry, gpu,
                featureLoad, featureLoadProblem, passwordProblem, dataset, window);
    }

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
