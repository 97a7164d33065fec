package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import java.util.List;

/**
 * A role's object that only the two-pod topology has (TensorFlow Serving's Deployment and Service, its address).
 * When the stable version switches to one pod, the stable recommender Deployment replaces its two-pod pods one by
 * one, and those still serving call this TensorFlow Serving: the stable role's objects stay, as they were, until
 * none of those pods is left.
 */
public abstract class TwoPodObject<R extends HasMetadata> extends RoleObject<R> {
    protected TwoPodObject(Class<R> type, Role role) {
        super(type, role);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return ServingObjects.twoPod(plan.version(role));
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return needed(r, plan) || role == Role.STABLE && draining(plan) != null
                && getSecondaryResource(r, context).isPresent() && oldPodsMayServe(r, context);
    }

    /** The two-pod version this role's objects serve: the role's own, or the one the stable pods still drain from. */
    ModelVersion served(Plan plan) {
        ModelVersion v = plan.version(role);
        return ServingObjects.twoPod(v) ? v : draining(plan);
    }

    /** The version the stable one replaced, when it ran two pods and the stable one runs one; else null. */
    static ModelVersion draining(Plan plan) {
        List<ModelVersion> history = plan.status().history();
        ModelVersion previous = history == null || history.isEmpty() ? null : history.get(0);
        return plan.stable() != null && !ServingObjects.twoPod(plan.stable()) && ServingObjects.twoPod(previous)
                ? previous : null;
    }

    /**
     * The stable recommender Deployment may still run pods of a two-pod template: its template is one, or its
     * rollout to the one-pod template is not complete (old pods left, or not yet observed).
     */
    static boolean oldPodsMayServe(Recommender r, Context<Recommender> context) {
        String name = Names.recommender(r, Role.STABLE);
        Deployment d = context.getSecondaryResourcesAsStream(Deployment.class)
                .filter(x -> name.equals(x.getMetadata().getName())).findFirst().orElse(null);
        if (d == null) {
            return false;
        }
        if (d.getSpec().getTemplate().getSpec().getContainers().stream()
                .noneMatch(c -> ServingObjects.TF_SERVING_CONTAINER.equals(c.getName()))) {
            return true;
        }
        DeploymentStatus s = d.getStatus();
        if (s == null || s.getObservedGeneration() == null
                || s.getObservedGeneration() < d.getMetadata().getGeneration()) {
            return true;
        }
        int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
        int all = s.getReplicas() == null ? 0 : s.getReplicas();
        int wanted = d.getSpec().getReplicas() == null ? updated : d.getSpec().getReplicas();
        return all > updated || updated < wanted;
    }
}
