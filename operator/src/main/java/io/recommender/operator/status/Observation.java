package io.recommender.operator.status;

/**
 * What the reconciler saw of the owned objects: the current version's training and gate Jobs, whether the
 * candidate and stable recommender Deployments are available, and why the candidate's pods cannot start
 * (null when nothing is wrong, e.g. an image that cannot be pulled).
 */
public record Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate,
        String candidateProblem) {

    public Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate) {
        this(training, candidateReady, stableReady, gate, null);
    }
}
