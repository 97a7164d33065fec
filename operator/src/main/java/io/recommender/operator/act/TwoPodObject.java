package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/**
 * A role's object that only the two-pod topology has (TensorFlow Serving's Deployment and Service, its address).
 * When the stable version switches to one pod (a promotion, a pin, a rollback after a failed live analysis), the
 * stable recommender Deployment replaces its two-pod pods one by one, and those still serving call this TensorFlow
 * Serving: the stable role's objects stay exactly as they were found until none of those pods is left. As found,
 * not rebuilt from a version: the version those pods run is whatever they were made for, which after a rollback is
 * in no list of the status (the failed version is neither stable nor in history).
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
        return needed(r, plan) || draining(r, context);
    }

    @Override
    R desired(Recommender r, Plan plan, Context<Recommender> context) {
        if (needed(r, plan)) {
            return desired(r, plan);
        }
        return getSecondaryResource(r, context).map(found -> asFound(found, context))
                .orElseThrow(() -> new IllegalStateException("no " + resourceType().getSimpleName() + " to keep"));
    }

    /** Stable two-pod objects while the stable Deployment may still run two-pod pods that call them. */
    private boolean draining(Recommender r, Context<Recommender> context) {
        return role == Role.STABLE && getSecondaryResource(r, context).isPresent() && oldPodsMayServe(r, context);
    }

    /** The object as found, without what the API server keeps of it (what an apply of it would leave unchanged). */
    static <R extends HasMetadata> R asFound(R found, Context<Recommender> context) {
        R copy = context.getClient().getKubernetesSerialization().clone(found);
        ObjectMeta m = copy.getMetadata();
        copy.setMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace())
                .withLabels(m.getLabels()).withAnnotations(m.getAnnotations())
                .withOwnerReferences(m.getOwnerReferences()).build());
        if (copy instanceof Deployment d) {
            d.setStatus(null);
        } else if (copy instanceof Service s) {
            s.setStatus(null);
        }
        return copy;
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
