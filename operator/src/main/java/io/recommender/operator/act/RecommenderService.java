package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.Service;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** The Service in front of a role's recommender pods. The stable one stays while no version serves, so clients keep one address. */
public abstract class RecommenderService extends RoleObject<Service> {
    RecommenderService(Role role) {
        super(Service.class, role);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.recommender(r, role);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return role == Role.STABLE || plan.candidate() != null;
    }

    @Override
    Service desired(Recommender r, Plan plan) {
        return desired(r, role);
    }

    public static Service desired(Recommender r, Role role) {
        return ServingObjects.service(r, Names.recommender(r, role), Labels.RECOMMENDER, role, ServingObjects.port(r),
                "http");
    }

    public static final class Stable extends RecommenderService {
        public Stable() {
            super(Role.STABLE);
        }
    }

    public static final class Candidate extends RecommenderService {
        public Candidate() {
            super(Role.CANDIDATE);
        }
    }
}
