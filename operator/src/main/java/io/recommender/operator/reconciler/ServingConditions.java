package io.recommender.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.serving.ServingObjects;
import io.recommender.operator.status.Plan;

/** When each serving dependent exists; when a condition stops holding, the dependent is deleted. */
public final class ServingConditions {
    private ServingConditions() {}

    public static final class StableExists implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return Plan.stable(r) != null;
        }
    }

    public static final class CandidateExists implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return Plan.candidate(r) != null;
        }
    }

    public static final class StableIsTwoPod implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return twoPod(Plan.stable(r));
        }
    }

    public static final class CandidateIsTwoPod implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return twoPod(Plan.candidate(r));
        }
    }

    public static final class Autoscaled implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return Plan.stable(r) != null && ServingObjects.autoscaling(r) != null;
        }
    }

    public static final class NeedsDisruptionBudget implements Condition<Object, Recommender> {
        @Override
        public boolean isMet(DependentResource<Object, Recommender> d, Recommender r, Context<Recommender> c) {
            return Plan.stable(r) != null && ServingObjects.needsDisruptionBudget(r);
        }
    }

    private static boolean twoPod(ModelVersion v) {
        return v != null && v.topology() == Topology.TwoPod;
    }
}
