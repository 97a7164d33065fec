package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import io.recommender.operator.status.Plan;

/** The serving objects as dependent resources; each builds its desired state with {@link ServingObjects}. */
public final class ServingDependents {
    private ServingDependents() {}

    public static final class StableDeployment extends NamedDependent<Deployment> {
        public StableDeployment() {
            super(Deployment.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.STABLE);
        }

        @Override
        protected Deployment desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.recommenderDeployment(r, Role.STABLE, Plan.stable(r));
        }
    }

    public static final class CandidateDeployment extends NamedDependent<Deployment> {
        public CandidateDeployment() {
            super(Deployment.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.CANDIDATE);
        }

        @Override
        protected Deployment desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.recommenderDeployment(r, Role.CANDIDATE, Plan.candidate(r));
        }
    }

    public static final class StableTfServingDeployment extends NamedDependent<Deployment> {
        public StableTfServingDeployment() {
            super(Deployment.class);
        }

        @Override
        String name(Recommender r) {
            return Names.tfServing(r, Role.STABLE);
        }

        @Override
        protected Deployment desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.tfServingDeployment(r, Role.STABLE, Plan.stable(r));
        }
    }

    public static final class CandidateTfServingDeployment extends NamedDependent<Deployment> {
        public CandidateTfServingDeployment() {
            super(Deployment.class);
        }

        @Override
        String name(Recommender r) {
            return Names.tfServing(r, Role.CANDIDATE);
        }

        @Override
        protected Deployment desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.tfServingDeployment(r, Role.CANDIDATE, Plan.candidate(r));
        }
    }

    public static final class StableService extends NamedDependent<Service> {
        public StableService() {
            super(Service.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.STABLE);
        }

        @Override
        protected Service desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.recommenderService(r, Role.STABLE);
        }
    }

    public static final class CandidateService extends NamedDependent<Service> {
        public CandidateService() {
            super(Service.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.CANDIDATE);
        }

        @Override
        protected Service desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.recommenderService(r, Role.CANDIDATE);
        }
    }

    public static final class StableTfServingService extends NamedDependent<Service> {
        public StableTfServingService() {
            super(Service.class);
        }

        @Override
        String name(Recommender r) {
            return Names.tfServing(r, Role.STABLE);
        }

        @Override
        protected Service desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.tfServingService(r, Role.STABLE);
        }
    }

    public static final class CandidateTfServingService extends NamedDependent<Service> {
        public CandidateTfServingService() {
            super(Service.class);
        }

        @Override
        String name(Recommender r) {
            return Names.tfServing(r, Role.CANDIDATE);
        }

        @Override
        protected Service desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.tfServingService(r, Role.CANDIDATE);
        }
    }

    public static final class StableServingConfig extends NamedDependent<ConfigMap> {
        public StableServingConfig() {
            super(ConfigMap.class);
        }

        @Override
        String name(Recommender r) {
            return Names.servingConfig(r, Role.STABLE);
        }

        @Override
        protected ConfigMap desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.servingConfig(r, Role.STABLE);
        }
    }

    public static final class CandidateServingConfig extends NamedDependent<ConfigMap> {
        public CandidateServingConfig() {
            super(ConfigMap.class);
        }

        @Override
        String name(Recommender r) {
            return Names.servingConfig(r, Role.CANDIDATE);
        }

        @Override
        protected ConfigMap desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.servingConfig(r, Role.CANDIDATE);
        }
    }

    public static final class ServingServiceAccount extends NamedDependent<ServiceAccount> {
        public ServingServiceAccount() {
            super(ServiceAccount.class);
        }

        @Override
        String name(Recommender r) {
            return Names.serviceAccount(r);
        }

        @Override
        protected ServiceAccount desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.serviceAccount(r);
        }
    }

    public static final class Autoscaler extends NamedDependent<HorizontalPodAutoscaler> {
        public Autoscaler() {
            super(HorizontalPodAutoscaler.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.STABLE);
        }

        @Override
        protected HorizontalPodAutoscaler desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.autoscaler(r);
        }
    }

    public static final class DisruptionBudget extends NamedDependent<PodDisruptionBudget> {
        public DisruptionBudget() {
            super(PodDisruptionBudget.class);
        }

        @Override
        String name(Recommender r) {
            return Names.recommender(r, Role.STABLE);
        }

        @Override
        protected PodDisruptionBudget desired(Recommender r, Context<Recommender> context) {
            return ServingObjects.disruptionBudget(r);
        }
    }
}
