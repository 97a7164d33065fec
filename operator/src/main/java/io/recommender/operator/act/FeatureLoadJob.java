package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.features.FeatureLoadJobs;
import io.recommender.operator.naming.Names;

/**
 * The Redis feature store's initial load (features.source Redis with training data), named from what it loads
 * where; it runs beside training, and the candidate's load test waits for it.
 */
public final class FeatureLoadJob extends CreateOnlyJob {

    @Override
    String name(Recommender r, Plan plan) {
        return Names.featureLoadJob(r, plan.featureStore() == null ? "none" : plan.featureStore().loadHash());
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return plan.featureLoadNeeded() || getSecondaryResource(r, context).isPresent()
                && WorkflowContext.persisted(context).featureLoadNeeded();
    }

    @Override
    protected Job desired(Recommender r, Context<Recommender> context) {
        return FeatureLoadJobs.job(r, WorkflowContext.plan(context).featureStore(), OperatorConfig.current());
    }
}
