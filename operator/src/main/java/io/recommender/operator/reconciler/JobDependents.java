package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.gate.GateJobs;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.RegistryState;
import io.recommender.operator.status.Plan;
import io.recommender.operator.training.TrainingJobs;

/**
 * Jobs are created and deleted, never updated: a Job's pod template is immutable, and a changed spec makes a
 * new Job under a new name anyway. A Job whose result this reconcile has just read is kept until the status
 * recording that result is written: the workflow runs before the status patch, and an operator stopped in
 * between would otherwise find neither the result nor the Job, and run the step again.
 */
public final class JobDependents {
    private JobDependents() {}

    /** The Recommender with the status it was read with, before this reconcile's decision. */
    static Recommender persisted(Recommender r, Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(RecommenderReconciler.PERSISTED, Recommender.class).orElse(r);
    }

    public abstract static class CreateOnlyJob extends KubernetesDependentResource<Job, Recommender>
            implements Creator<Job, Recommender>, GarbageCollected<Recommender> {
        public CreateOnlyJob() {
            super(Job.class);
        }

        abstract String name(Recommender r);

        @Override
        protected ResourceID targetSecondaryResourceID(Recommender r, Context<Recommender> context) {
            return new ResourceID(name(r), r.getMetadata().getNamespace());
        }
    }

    public static final class TrainingJob extends CreateOnlyJob {
        @Override
        String name(Recommender r) {
            return Names.trainingJob(r, Plan.trainingHash(r));
        }

        @Override
        protected Job desired(Recommender r, Context<Recommender> context) {
            RegistryState registry = context.managedWorkflowAndDependentResourceContext()
                    .getMandatory(RecommenderReconciler.REGISTRY, RegistryState.class);
            if (!(registry instanceof RegistryState.Ready ready)) {
                throw new IllegalStateException("no registry to push " + r.getMetadata().getName() + "'s images to");
            }
            return TrainingJobs.job(r, OperatorConfig.current(), ready.target());
        }
    }

    public static final class GateJob extends CreateOnlyJob {
        @Override
        String name(Recommender r) {
            return Names.gateJob(r, Plan.versionHash(r), Plan.retryToken(r));
        }

        @Override
        protected Job desired(Recommender r, Context<Recommender> context) {
            return GateJobs.job(r, OperatorConfig.current());
        }
    }

    public static final class TrainingNeeded implements Condition<Job, Recommender> {
        @Override
        public boolean isMet(io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<Job, Recommender> d,
                Recommender r, Context<Recommender> context) {
            boolean exists = d.getSecondaryResource(r, context).isPresent();
            if (exists && Plan.trainingNeeded(persisted(r, context))) {
                return true;
            }
            // Made only once the registry takes pushes; a running Job is never deleted for the registry's sake.
            return Plan.trainingNeeded(r) && (exists || context.managedWorkflowAndDependentResourceContext()
                    .get(RecommenderReconciler.REGISTRY, RegistryState.class)
                    .filter(RegistryState.Ready.class::isInstance).isPresent());
        }
    }

    public static final class GateNeeded implements Condition<Job, Recommender> {
        @Override
        public boolean isMet(io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<Job, Recommender> d,
                Recommender r, Context<Recommender> context) {
            return Plan.gateNeeded(r)
                    || (d.getSecondaryResource(r, context).isPresent() && Plan.gateNeeded(persisted(r, context)));
        }
    }
}
