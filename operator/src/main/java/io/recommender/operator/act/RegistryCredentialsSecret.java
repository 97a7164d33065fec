package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.RegistryCredentials;

/**
 * The registry credentials Secret of an ECR Recommender, written only when the reconcile fetched a new login
 * ({@code RegistryAccess}): an ECR Recommender keeps its Secret, and one is created only from a fresh login.
 */
public final class RegistryCredentialsSecret extends OwnedObject<Secret>
        implements Creator<Secret, Recommender>, Updater<Secret, Recommender>, GarbageCollected<Recommender> {

    public RegistryCredentialsSecret() {
        super(Secret.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.registryCredentials(r);
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return r.getSpec().registry() != null && r.getSpec().registry().ecr() != null
                && (WorkflowContext.freshLogin(context).isPresent() || getSecondaryResource(r, context).isPresent());
    }

    @Override
    protected Secret desired(Recommender r, Context<Recommender> context) {
        WorkflowContext.FreshLogin fresh = WorkflowContext.freshLogin(context).orElseThrow();
        return RegistryCredentials.secret(r, r.getSpec().registry().ecr(), fresh.login(), fresh.at());
    }

    /** The Secret changes only with a new login: comparing would need one, and a login is an ECR call. */
    @Override
    public Matcher.Result<Secret> match(Secret actual, Recommender r, Context<Recommender> context) {
        return Matcher.Result.nonComputed(WorkflowContext.freshLogin(context).isEmpty());
    }
}
