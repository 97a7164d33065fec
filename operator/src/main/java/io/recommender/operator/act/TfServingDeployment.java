package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import java.util.List;

/** TensorFlow Serving's own Deployment of a role, in the two-pod topology. */
public abstract class TfServingDeployment extends TwoPodObject<Deployment> {
    TfServingDeployment(Role role) {
        super(Deployment.class, role);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.tfServing(r, role);
    }

    @Override
    Deployment desired(Recommender r, Plan plan) {
        return desired(r, role, plan.version(role));
    }

    public static Deployment desired(Recommender r, Role role, ModelVersion v) {
        return ServingObjects.deployment(r, role, Names.tfServing(r, role), Labels.TF_SERVING, v,
                List.of(ServingObjects.tfServingContainer(r, v)));
    }

    public static final class Stable extends TfServingDeployment {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends TfServingDeployment {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
