package io.recommender.e2e.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recommender.e2e.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * Users' traffic during a rollout: the project's load generator in a pod of its own, requesting a steady rate
 * through the stable Service for a fixed time (E2E_STEADY_LOAD_SECONDS, default 180), its report read back from
 * the pod's termination message. Every failed request counts: no error budget.
 */
final class SteadyLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    /**
     * What the load saw: requests sent, failed, and the report's verdict reason; when any failed, what the
     * namespace's pods logged at WARN or above and its Warning events, to tell a slow dependency from a starved
     * node in a CI log.
     */
    record Result(long requests, long failures, String reason, String context) {
        Result(long requests, long failures, String reason) {
            this(requests, failures, reason, "");
        }
    }

    private SteadyLoad(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    static SteadyLoad start(KubernetesClient client, String namespace, String name, String image, String service,
            int port) {
        String seconds = System.getenv().getOrDefault("E2E_STEADY_LOAD_SECONDS", "180");
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
                .addNewContainer().withName("load").withImage(image).withImagePullPolicy("IfNotPresent")
                // The suite's models are trained on the bundled ml-latest-small, whose users are 1-610; this load
                // only has to keep traffic flowing (the gate itself asks about the candidate's own users).
                .withArgs(List.of("--target", "http://" + service + "." + namespace + ".svc:" + port,
                        "--known-users", "1-610", "--rps", "20",
                        "--users", "2", "--duration", seconds + "s", "--max-error-rate", "0",
                        "--termination-log", "/dev/termination-log"))
                .withNewSecurityContext().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false).withNewCapabilities().addToDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
        client.pods().inNamespace(namespace).resource(pod).create();
        SteadyLoad load = new SteadyLoad(client, namespace, name);
        Waits.until(Duration.ofMinutes(3), "the steady load " + name + " to start", load::state,
                s -> s != null && (s.getState().getRunning() != null || s.getState().getTerminated() != null));
        return load;
    }

    private ContainerStatus state() {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        return pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses().isEmpty()
                ? null : pod.getStatus().getContainerStatuses().get(0);
    }

    boolean running() {
        ContainerStatus s = state();
        return s != null && s.getState().getRunning() != null;
    }

    /**
     * Lets the load run {@code settle} longer (old pods finish draining), then ends it early and reads its report:
     * the pod's activeDeadlineSeconds is cut to now, the kubelet sends SIGTERM, and the load generator writes what
     * it measured before it exits ("stopped early", never a pass; requests and failures are what count here).
     */
    Result stop(Duration settle, Duration timeout) throws InterruptedException {
        Thread.sleep(settle.toMillis());
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (running() && pod.getStatus().getStartTime() != null) {
            long elapsed = Duration.between(java.time.Instant.parse(pod.getStatus().getStartTime()),
                    java.time.Instant.now()).toSeconds();
            // May only shrink; the deadline counts from the pod's start.
            long deadline = Math.max(1, elapsed + 1);
            client.pods().inNamespace(namespace).withName(name).edit(p -> new PodBuilder(p).editSpec()
                    .withActiveDeadlineSeconds(deadline).endSpec().build());
        }
        return finish(timeout);
    }

    /** Waits for the load to end and reads its report. */
    Result finish(Duration timeout) {
        ContainerStatus s = Waits.until(timeout, "the steady load " + name + " to finish", this::state,
                x -> x != null && x.getState().getTerminated() != null);
        String message = s.getState().getTerminated().getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError("the steady load " + name + " wrote no report: "
                    + client.pods().inNamespace(namespace).withName(name).getLog());
        }
        try {
            JsonNode report = JSON.readTree(message);
            long failures = report.path("failures").asLong();
            // The failures themselves (the report's distinct errors) and the seconds they fell in.
            String which = failures == 0 ? "" : "\nerrors " + report.path("errors") + "\nseconds with failures "
                    + StreamSupport.stream(report.path("timeline").spliterator(), false)
                            .filter(t -> t.path("failures").asLong() > 0).map(JsonNode::toString).toList();
            return new Result(report.path("requests").asLong(), failures, report.at("/verdict/reason").asText(),
                    failures == 0 ? "" : which + context());
        } catch (IOException e) {
            throw new UncheckedIOException("the steady load's report is not JSON: " + message, e);
        }
    }

    private String context() {
        StringBuilder b = new StringBuilder();
        try {
            for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
                String podName = pod.getMetadata().getName();
                b.append("\npod ").append(podName).append(' ').append(pod.getStatus().getPhase());
                for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
                    b.append(' ').append(c.getName()).append(" restarts=").append(c.getRestartCount());
                    String log = client.pods().inNamespace(namespace).withName(podName).inContainer(c.getName())
                            .tailingLines(400).getLog();
                    List<String> warnings = log == null ? List.of() : log.lines()
                            .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("timeout")).toList();
                    warnings.subList(Math.max(0, warnings.size() - 6), warnings.size())
                            .forEach(l -> b.append("\n  ").append(l.length() > 300 ? l.substring(0, 300) : l));
                }
            }
            client.v1().events().inNamespace(namespace).list().getItems().stream()
                    .filter(e -> "Warning".equals(e.getType()))
                    .forEach(e -> b.append("\nevent ").append(e.getLastTimestamp()).append(' ')
                            .append(e.getInvolvedObject().getName()).append(' ').append(e.getReason()).append(": ")
                            .append(e.getMessage()));
        } catch (RuntimeException e) {
            b.append("\n(could not read the namespace: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }
}
