package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;

/** The stable version's PodDisruptionBudget, when it always runs more than one pod. */
public final class DisruptionBudget extends ServingObject<PodDisruptionBudget> {
    public DisruptionBudget() {
        super(PodDisruptionBudget.class);
    }

    @Override
    String name(Recommender r, Plan plan) {
        return Names.recommender(r, Role.STABLE);
    }

    @Override
    boolean needed(Recommender r, Plan plan) {
        return plan.stable() != null && ServingObjects.needsDisruptionBudget(r);
    }

    @Override
    PodDisruptionBudget desired(Recommender r, Plan plan) {
        return desired(r);
    }

    public static PodDisruptionBudget desired(Recommender r) {
        return desired(r, Names.recommender(r, Role.STABLE), Labels.RECOMMENDER);
    }

    /** At most one of the stable {@code component}'s pods evicted at a time. */
    static PodDisruptionBudget desired(Recommender r, String name, String component) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(name).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, component, Role.STABLE)).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.selector(r, component, Role.STABLE)).endSelector()
                .endSpec()
                .build();
    }
}
