package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.gate.GateJobs;
import io.recommender.operator.naming.Names;

/** The latency gate's load test of the candidate, once its Deployment is available; one per version and retry. */
public final class GateJob extends CreateOnlyJob {

    @Override
    String name(Recommender r, Plan plan) {
        return Names.gateJob(r, plan.versionHash(), plan.retryToken());
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return plan.gateNeeded()
                || (getSecondaryResource(r, context).isPresent() && WorkflowContext.persisted(context).gateNeeded());
    }

    @Override
    protected Job desired(Recommender r, Context<Recommender> context) {
        return GateJobs.job(r, WorkflowContext.plan(context), OperatorConfig.current());
    }
}
