package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/**
 * The stable TensorFlow Serving Deployment's own HorizontalPodAutoscaler, in the two-pod topology when the spec asks
 * for autoscaling: the same bounds and CPU target as the recommender's, on TensorFlow Serving's own CPU. Without it,
 * the stable model server kept one pod while the recommenders in front of it scaled out (and the candidate had
 * been gated with minReplicas of each).
 */
public final class TfServingAutoscaler extends ServingObject<HorizontalPodAutoscaler> {
    public TfServingAutoscaler() {
        super(HorizontalPodAutoscaler.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.tfServing(r, Role.STABLE);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return ServingObjects.twoPod(plan.stable()) && ServingObjects.autoscaling(r) != null;
    }

    @Override
    HorizontalPodAutoscaler desired(Recommender r, Plan plan) {
        return desired(r);
    }

    public static HorizontalPodAutoscaler desired(Recommender r) {
        return Autoscaler.desired(r, Names.tfServing(r, Role.STABLE), Labels.TF_SERVING);
    }
}
