package io.recommender.e2e.gitops;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * kwok marks Job pods Succeeded without running a container, so no training or load-test result exists. This
 * plays the container's part at the Kubernetes level: when a Job pod of a Recommender (labels
 * app.kubernetes.io/instance and app.kubernetes.io/component) has Succeeded, it writes the result the real
 * container would have written into the pod's status as its termination message, where the operator reads it.
 * The Job controller counts a finished pod about a second after it ends (its pod-update batching), so the
 * message is there before the Job completes and the operator looks.
 */
final class JobResultSimulator implements AutoCloseable {
    static final String INSTANCE = "app.kubernetes.io/instance";
    static final String COMPONENT = "app.kubernetes.io/component";
    static final String TRAINING = "training";
    static final String GATE = "latency-gate";

    private final KubernetesClient client;
    private final Map<String, String> results = new ConcurrentHashMap<>();
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    final List<String> problems = new CopyOnWriteArrayList<>();
    /** When each result was written, for a failure report. */
    final List<String> timeline = new CopyOnWriteArrayList<>();
    private final SharedIndexInformer<Pod> informer;

    JobResultSimulator(KubernetesClient client, String namespace) {
        this.client = client;
        informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                // Nothing to write.
            }
        });
    }

    /** What the Job pods of this Recommender and component report from now on. */
    void result(String recommender, String component, String message) {
        results.put(recommender + "/" + component, message);
    }

    private void seen(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || pod.getStatus() == null || !"Succeeded".equals(pod.getStatus().getPhase())
                || written.contains(pod.getMetadata().getUid())) {
            return;
        }
        String message = results.get(labels.get(INSTANCE) + "/" + labels.get(COMPONENT));
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (message == null) {
            return;
        }
        if (statuses == null || statuses.isEmpty() || statuses.get(0).getState() == null
                || statuses.get(0).getState().getTerminated() == null) {
            problems.add("pod " + pod.getMetadata().getName() + " Succeeded without a terminated container status");
            return;
        }
        written.add(pod.getMetadata().getUid());
        String patch = "[{\"op\":\"add\",\"path\":\"/status/containerStatuses/0/state/terminated/message\",\"value\":"
                + client.getKubernetesSerialization().asJson(message) + "}]";
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
            timeline.add(java.time.Instant.now() + " wrote the result of pod " + pod.getMetadata().getName()
                    + " (Succeeded, resourceVersion " + pod.getMetadata().getResourceVersion() + ")");
        } catch (RuntimeException e) {
            problems.add("pod " + pod.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
