package io.recommender.operator.status;

/**
 * What the reconciler saw of the owned objects: the current version's training and gate Jobs, and whether
 * the candidate and stable recommender Deployments are available.
 */
public record Observation(JobOutcome training, boolean candidateReady, boolean stableReady, JobOutcome gate) {}
