package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.gate.GateJobs;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.fabric8.kubernetes.api.model.Service;

/** The latency gate's load test of the candidate, once its Deployment is available; one per version and retry. */
public final class GateJob extends CreateOnlyJob {

    @Override
    String name(Recommender r, Plan plan) {
        return Names.gateJob(r, plan.identity(), plan.retryToken());
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        boolean exists = getSecondaryResource(r, context).isPresent();
        // A new load test starts only against a candidate Service that exists (it may have been refused).
        return (plan.gateNeeded() && (exists || candidateServiceExists(r, context)))
                || (exists && WorkflowContext.persisted(context).gateNeeded());
    }

    private static boolean candidateServiceExists(Recommender r, Context<Recommender> context) {
        String name = Names.recommender(r, Role.CANDIDATE);
        return context.getSecondaryResourcesAsStream(Service.class)
                .anyMatch(s -> name.equals(s.getMetadata().getName()));
    }

    @Override
    protected Job desired(Recommender r, Context<Recommender> context) {
        return GateJobs.job(r, WorkflowContext.plan(context), OperatorConfig.current());
    }
}
