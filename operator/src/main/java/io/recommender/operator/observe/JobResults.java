package io.recommender.operator.observe;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/**
 * Where a finished Job's result comes from. In a cluster it is the container's termination message
 * ({@link TerminationMessages}); where pods are simulated and never run, a test supplies it.
 */
public interface JobResults {
    Optional<Termination> resultOf(Job job);

    /**
     * How a Job's last container ended.
     *
     * @param container the container's name (the training Job's "train" or "package")
     * @param exitCode its exit code
     * @param message its termination message, null when it left none
     */
    record Termination(String container, int exitCode, String message) {}
}
