package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** The recommender Deployment of a role (with TensorFlow Serving beside it in the one-pod topology), while the role has a version. */
public abstract class RecommenderDeployment extends ServingObject<Deployment> {
    private final Role role;

    RecommenderDeployment(Role role) {
        super(Deployment.class);
        this.role = role;
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.recommender(r, role);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return plan.version(role) != null;
    }

    @Override
    Deployment desired(Recommender r, Plan plan) {
        return ServingObjects.recommenderDeployment(r, role, plan.version(role));
    }

    public static final class Stable extends RecommenderDeployment {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends RecommenderDeployment {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
