package io.recommender.operator.act;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.registry.RegistryLogin;
import io.recommender.operator.registry.RegistryState;
import java.time.Instant;
import java.util.Optional;

/**
 * What a reconcile hands the workflow's dependents, through the SDK's managed-workflow context: worked out once
 * before the workflow runs, read by every dependent.
 */
public final class WorkflowContext {
    private static final String PLAN = "plan";
    private static final String PERSISTED = "persisted-plan";
    private static final String REGISTRY = "registry";
    private static final String LOGIN = "registry-login";

    private WorkflowContext() {}

    /** A login fetched by this reconcile ({@code RegistryAccess}), and when. */
    public record FreshLogin(RegistryLogin login, Instant at) {}

    /**
     * @param persisted the plan of the status as read: what a restarted operator would start from
     * @param plan the plan of the status this reconcile decided, which the owned objects follow
     * @param registry the registry's state
     * @param login a login to write to the credentials Secret now, or null
     */
    public static void put(Context<Recommender> context, Plan persisted, Plan plan, RegistryState registry,
            FreshLogin login) {
        var shared = context.managedWorkflowAndDependentResourceContext();
        shared.put(PERSISTED, persisted);
        shared.put(PLAN, plan);
        shared.put(REGISTRY, registry);
        if (login != null) {
            shared.put(LOGIN, login);
        }
    }

    static Plan plan(Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(PLAN, Plan.class);
    }

    static Plan persisted(Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(PERSISTED, Plan.class);
    }

    static RegistryState registry(Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(REGISTRY, RegistryState.class);
    }

    static Optional<FreshLogin> freshLogin(Context<Recommender> context) {
        return context.managedWorkflowAndDependentResourceContext().get(LOGIN, FreshLogin.class);
    }
}
