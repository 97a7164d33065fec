package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
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
        return ServingObjects.autoscaler(r);
    }
}
