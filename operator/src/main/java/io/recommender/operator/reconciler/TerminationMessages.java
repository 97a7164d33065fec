package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.Optional;

/**
 * Reads a finished Job's result from its newest pod's termination message. Listed only when a Job has
 * finished, once, so the operator keeps no pod informer.
 */
public final class TerminationMessages implements JobResults {
    private final KubernetesClient client;

    public TerminationMessages(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> resultOf(Job job) {
        return client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
                .list().getItems().stream()
                .max(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()))
                .flatMap(TerminationMessages::message);
    }

    static Optional<String> message(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null && s.getTerminated().getMessage() != null
                        && !s.getTerminated().getMessage().isBlank())
                .map(s -> s.getTerminated().getMessage())
                .findFirst();
    }
}
