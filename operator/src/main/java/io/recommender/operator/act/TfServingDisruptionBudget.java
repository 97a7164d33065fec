package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/**
 * The stable TensorFlow Serving Deployment's PodDisruptionBudget, in the two-pod topology when it always runs more
 * than one pod (the same rule as the recommender's): a node drain never takes every model server at once.
 */
public final class TfServingDisruptionBudget extends ServingObject<PodDisruptionBudget> {
    public TfServingDisruptionBudget() {
        super(PodDisruptionBudget.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.tfServing(r, Role.STABLE);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return ServingObjects.twoPod(plan.stable()) && ServingObjects.needsDisruptionBudget(r);
    }

    @Override
    PodDisruptionBudget desired(Recommender r, Plan plan) {
        return desired(r);
    }

    public static PodDisruptionBudget desired(Recommender r) {
        return DisruptionBudget.desired(r, Names.tfServing(r, Role.STABLE), Labels.TF_SERVING);
    }
}
