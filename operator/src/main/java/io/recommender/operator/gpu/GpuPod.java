package io.recommender.operator.gpu;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.recommender.operator.training.TrainingJobs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a GPU training pod asks of a node: its Job (namespace/name), node selector and tolerations.
 *
 * @param job "namespace/name" of its training Job
 */
public record GpuPod(String job, Map<String, String> nodeSelector, List<Toleration> tolerations) {
    public GpuPod {
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    }

    /** The pod of a training Job that asks for GPUs and has not finished; empty for any other Job. */
    public static Optional<GpuPod> of(Job job) {
        if (finished(job) || job.getSpec() == null || job.getSpec().getTemplate() == null) {
            return Optional.empty();
        }
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        boolean gpus = pod != null && java.util.stream.Stream.concat(
                        pod.getInitContainers() == null ? java.util.stream.Stream.empty() : pod.getInitContainers().stream(),
                        pod.getContainers() == null ? java.util.stream.Stream.empty() : pod.getContainers().stream())
                .anyMatch(c -> c.getResources() != null && c.getResources().getLimits() != null
                        && positive(c.getResources().getLimits().get(TrainingJobs.GPU_RESOURCE)));
        return gpus ? Optional.of(new GpuPod(job.getMetadata().getNamespace() + "/" + job.getMetadata().getName(),
                pod.getNodeSelector(), pod.getTolerations())) : Optional.empty();
    }

    private static boolean positive(Quantity q) {
        return q != null && q.getNumericalAmount().signum() > 0;
    }

    static boolean finished(Job j) {
        return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
                .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
    }
}
