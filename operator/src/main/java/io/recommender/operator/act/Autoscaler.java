package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** The stable version's HorizontalPodAutoscaler, when the spec asks for autoscaling. */
public final class Autoscaler extends ServingObject<HorizontalPodAutoscaler> {
    public Autoscaler() {
        super(HorizontalPodAutoscaler.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.recommender(r, Role.STABLE);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return plan.stable() != null && ServingObjects.autoscaling(r) != null;
    }

    @Override
    HorizontalPodAutoscaler desired(Recommender r, Plan plan) {
        return desired(r);
    }

    public static HorizontalPodAutoscaler desired(Recommender r) {
        return desired(r, Names.recommender(r, Role.STABLE), Labels.RECOMMENDER);
    }

    /**
     * The autoscaler of the stable Deployment {@code name} of {@code component}: the spec's bounds and CPU target,
     * whichever component (TensorFlow Serving in two pods scales on its own CPU, by the same rule).
     */
    static HorizontalPodAutoscaler desired(Recommender r, String name, String component) {
        ServingSpec.AutoscalingSpec a = ServingObjects.autoscaling(r);
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName(name).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, component, Role.STABLE)).endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(name).endScaleTargetRef()
                .withMinReplicas(a.minReplicas() == null ? 1 : a.minReplicas())
                .withMaxReplicas(a.maxReplicas())
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(a.targetCPUUtilizationPercentage() == null ? 70 : a.targetCPUUtilizationPercentage())
                .endTarget().endResource().endMetric()
                .endSpec()
                .build();
    }
}
