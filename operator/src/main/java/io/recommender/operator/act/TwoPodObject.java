package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** A role's object that only the two-pod topology has (TensorFlow Serving's Deployment and Service, its address). */
public abstract class TwoPodObject<R extends HasMetadata> extends RoleObject<R> {
    protected TwoPodObject(Class<R> type, Role role) {
        super(type, role);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return ServingObjects.twoPod(plan.version(role));
    }
}
