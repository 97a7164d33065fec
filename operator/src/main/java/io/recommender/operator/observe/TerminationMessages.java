package io.recommender.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a finished Job's result from its newest pod: the termination of its container, or of the init container
 * that failed (the training step runs as one before packaging). Listed only when a Job has finished, once, so the
 * operator keeps no pod informer.
 */
public final class TerminationMessages implements JobResults {
    private final KubernetesClient client;

    public TerminationMessages(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Termination> resultOf(Job job) {
        return client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
                .list().getItems().stream()
                .max(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()))
                .flatMap(TerminationMessages::termination);
    }

    static Optional<Termination> termination(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        Optional<Termination> main = terminated(pod.getStatus().getContainerStatuses(), false);
        return main.isPresent() ? main : terminated(pod.getStatus().getInitContainerStatuses(), true);
    }

    private static Optional<Termination> terminated(List<ContainerStatus> statuses, boolean failedOnly) {
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream()
                .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
                .filter(s -> !failedOnly || s.getState().getTerminated().getExitCode() != 0)
                .map(s -> {
                    var t = s.getState().getTerminated();
                    String message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage().strip();
                    return new Termination(s.getName(), t.getExitCode() == null ? -1 : t.getExitCode(), message);
                })
                .findFirst();
    }
}
