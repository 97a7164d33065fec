package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.RegistryCredentials;
import io.recommender.operator.registry.RegistryLogin;
import java.time.Instant;

/** The registry credentials Secret of an ECR Recommender, written only when the reconcile fetched a new login. */
public final class RegistryDependents {
    private RegistryDependents() {}

    /** A login fetched by this reconcile ({@code RegistryAccess}), and when. */
    record FreshLogin(RegistryLogin login, Instant at) {}

    public static final class RegistryCredentialsSecret extends KubernetesDependentResource<Secret, Recommender>
            implements Creator<Secret, Recommender>, Updater<Secret, Recommender>, GarbageCollected<Recommender> {
        public RegistryCredentialsSecret() {
            super(Secret.class);
        }

        @Override
        protected ResourceID targetSecondaryResourceID(Recommender r, Context<Recommender> context) {
            return new ResourceID(Names.registryCredentials(r), r.getMetadata().getNamespace());
        }

        @Override
        protected Secret desired(Recommender r, Context<Recommender> context) {
            FreshLogin fresh = context.managedWorkflowAndDependentResourceContext()
                    .getMandatory(RecommenderReconciler.LOGIN, FreshLogin.class);
            return RegistryCredentials.secret(r, r.getSpec().registry().ecr(), fresh.login(), fresh.at());
        }

        /** The Secret changes only with a new login: comparing would need one, and a login is an ECR call. */
        @Override
        public Matcher.Result<Secret> match(Secret actual, Recommender r, Context<Recommender> context) {
            return Matcher.Result.nonComputed(fresh(context) == null);
        }
    }

    /** An ECR Recommender keeps its Secret; one created only from a fresh login. */
    public static final class UsesEcr implements Condition<Secret, Recommender> {
        @Override
        public boolean isMet(DependentResource<Secret, Recommender> d, Recommender r, Context<Recommender> context) {
            return r.getSpec().registry() != null && r.getSpec().registry().ecr() != null
                    && (fresh(context) != null || d.getSecondaryResource(r, context).isPresent());
        }
    }

    private static FreshLogin fresh(Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext().get(RecommenderReconciler.LOGIN, FreshLogin.class)
                .orElse(null);
    }
}
