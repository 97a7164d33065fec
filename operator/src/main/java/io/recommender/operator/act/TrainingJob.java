package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.RegistryState;
import io.recommender.operator.training.TrainingJobs;

/** The training Job of the current training spec: trains the model, then packages and pushes its images. */
public final class TrainingJob extends CreateOnlyJob {

    @Override
    String name(Recommender r, Plan plan) {
        return Names.trainingJob(r, plan.trainingHash());
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        boolean exists = getSecondaryResource(r, context).isPresent();
        if (exists && WorkflowContext.persisted(context).trainingNeeded()) {
            return true;
        }
        // Made only once the registry takes pushes; a running Job is never deleted for the registry's sake.
        return plan.trainingNeeded() && (exists || WorkflowContext.registry(context) instanceof RegistryState.Ready);
    }

    @Override
    protected Job desired(Recommender r, Context<Recommender> context) {
        if (!(WorkflowContext.registry(context) instanceof RegistryState.Ready ready)) {
            throw new IllegalStateException("no registry to push " + r.getMetadata().getName() + "'s images to");
        }
        return TrainingJobs.job(r, WorkflowContext.plan(context), OperatorConfig.current(), ready.target());
    }
}
