package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import io.recommender.operator.status.Plan;

/**
 * The serving objects as dependent resources; each builds its desired state with {@link ServingObjects}.
 * One class per object, because the workflow declares dependents by class.
 */
public final class ServingDependents {
    private ServingDependents() {}

    public static final class StableDeployment extends NamedDependent<Deployment> {
        public StableDeployment() {
            super(Deployment.class, r -> Names.recommender(r, Role.STABLE),
                    r -> ServingObjects.recommenderDeployment(r, Role.STABLE, Plan.stable(r)));
        }
    }

    public static final class CandidateDeployment extends NamedDependent<Deployment> {
        public CandidateDeployment() {
            super(Deployment.class, r -> Names.recommender(r, Role.CANDIDATE),
                    r -> ServingObjects.recommenderDeployment(r, Role.CANDIDATE, Plan.candidate(r)));
        }
    }

    public static final class StableTfServingDeployment extends NamedDependent<Deployment> {
        public StableTfServingDeployment() {
            super(Deployment.class, r -> Names.tfServing(r, Role.STABLE),
                    r -> ServingObjects.tfServingDeployment(r, Role.STABLE, Plan.stable(r)));
        }
    }

    public static final class CandidateTfServingDeployment extends NamedDependent<Deployment> {
        public CandidateTfServingDeployment() {
            super(Deployment.class, r -> Names.tfServing(r, Role.CANDIDATE),
                    r -> ServingObjects.tfServingDeployment(r, Role.CANDIDATE, Plan.candidate(r)));
        }
    }

    public static final class StableService extends NamedDependent<Service> {
        public StableService() {
            super(Service.class, r -> Names.recommender(r, Role.STABLE),
                    r -> ServingObjects.recommenderService(r, Role.STABLE));
        }
    }

    public static final class CandidateService extends NamedDependent<Service> {
        public CandidateService() {
            super(Service.class, r -> Names.recommender(r, Role.CANDIDATE),
                    r -> ServingObjects.recommenderService(r, Role.CANDIDATE));
        }
    }

    public static final class StableTfServingService extends NamedDependent<Service> {
        public StableTfServingService() {
            super(Service.class, r -> Names.tfServing(r, Role.STABLE), r -> ServingObjects.tfServingService(r, Role.STABLE));
        }
    }

    public static final class CandidateTfServingService extends NamedDependent<Service> {
        public CandidateTfServingService() {
            super(Service.class, r -> Names.tfServing(r, Role.CANDIDATE),
                    r -> ServingObjects.tfServingService(r, Role.CANDIDATE));
        }
    }

    public static final class StableServingConfig extends NamedDependent<ConfigMap> {
        public StableServingConfig() {
            super(ConfigMap.class, r -> Names.servingConfig(r, Role.STABLE), r -> ServingObjects.servingConfig(r, Role.STABLE));
        }
    }

    public static final class CandidateServingConfig extends NamedDependent<ConfigMap> {
        public CandidateServingConfig() {
            super(ConfigMap.class, r -> Names.servingConfig(r, Role.CANDIDATE),
                    r -> ServingObjects.servingConfig(r, Role.CANDIDATE));
        }
    }

    public static final class ServingServiceAccount extends NamedDependent<ServiceAccount> {
        public ServingServiceAccount() {
            super(ServiceAccount.class, Names::serviceAccount, ServingObjects::serviceAccount);
        }
    }

    public static final class Autoscaler extends NamedDependent<HorizontalPodAutoscaler> {
        public Autoscaler() {
            super(HorizontalPodAutoscaler.class, r -> Names.recommender(r, Role.STABLE), ServingObjects::autoscaler);
        }
    }

    public static final class DisruptionBudget extends NamedDependent<PodDisruptionBudget> {
        public DisruptionBudget() {
            super(PodDisruptionBudget.class, r -> Names.recommender(r, Role.STABLE), ServingObjects::disruptionBudget);
        }
    }
}
