package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.gpu.GpuCapacity;
import io.recommender.operator.gpu.GpuPod;
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.observe.Observer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The reconciler's side of {@link GpuCapacity}: finds the GPU training pods in the caches and the API, and asks
 * for capacity (on EKS, scaling node groups) for a Recommender whose GPU training pod waits.
 */
final class GpuTraining {
    /** The label the Job controller puts on a Job's pods. */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private final GpuCapacity capacity;

    GpuTraining(GpuCapacity capacity) {
        this.capacity = capacity;
    }

    /**
     * The GpuCapacity of a Recommender whose GPU training Job has not finished: Available once its pod has a node,
     * else what {@link GpuCapacity} makes of the wait; null for any other Recommender.
     */
    GpuCapacity.Outcome check(Recommender r, Plan plan, Context<Recommender> context, List<GpuPod> active,
            Instant now) {
        var training = r.getSpec().model().training();
        if (training == null || training.gpus() == null || training.gpus() == 0 || !plan.trainingNeeded()) {
            return null;
        }
        String name = Names.trainingJob(r, plan.trainingHash());
        Optional<GpuPod> pod = context.getSecondaryResourcesAsStream(Job.class)
                .filter(j -> name.equals(j.getMetadata().getName())).findFirst().flatMap(GpuPod::of);
        if (pod.isEmpty()) {
            return null;
        }
        List<Pod> pods = context.getClient().pods().inNamespace(r.getMetadata().getNamespace())
                .withLabel(JOB_NAME_LABEL, name).list().getItems();
        String node = Observer.scheduledNode(pods);
        if (node != null) {
            return new GpuCapacity.Outcome(new GpuState("True", GpuState.AVAILABLE, "the training pod has node "
                    + node), null);
        }
        return capacity.check(context.getClient(), pod.get(), Observer.problem(pods), active, now);
    }

    /** Every unfinished GPU training Job the operator manages, whichever Recommender it belongs to. */
    @SuppressWarnings("unchecked")
    List<GpuPod> active(Context<Recommender> context) {
        if (!capacity.enabled()) {
            return List.of();
        }
        var jobs = (InformerEventSource<Job, Recommender>) context.eventSourceRetriever()
                .getEventSourceFor(Job.class, RecommenderReconciler.JOBS);
        return jobs.list(j -> j.getMetadata().getLabels() != null
                        && Labels.TRAINING.equals(j.getMetadata().getLabels().get(Labels.COMPONENT)))
                .map(GpuPod::of).flatMap(Optional::stream).toList();
    }

    /**
     * Gives back the node groups the operator scaled once no training needs them, whichever Recommender ends
     * last; when to try again, or null.
     */
    Instant release(Context<Recommender> context, List<GpuPod> active, Instant now) {
        return capacity.enabled() ? capacity.release(context.getClient(), active, now) : null;
    }
}
