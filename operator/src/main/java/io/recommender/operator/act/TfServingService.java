package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.Service;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** The Service in front of a role's TensorFlow Serving pods, in the two-pod topology. */
public abstract class TfServingService extends TwoPodObject<Service> {
    TfServingService(Role role) {
        super(Service.class, role);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.tfServing(r, role);
    }

    @Override
    Service desired(Recommender r, Plan plan) {
        return desired(r, role);
    }

    public static Service desired(Recommender r, Role role) {
        return ServingObjects.service(r, Names.tfServing(r, role), Labels.TF_SERVING, role,
                ServingObjects.TF_SERVING_REST_PORT, "tf-rest");
    }

    public static final class Stable extends TfServingService {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends TfServingService {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
