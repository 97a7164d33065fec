package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;

/** An owned object kept equal to its desired state (created, updated, deleted when not needed). */
public abstract class ServingObject<R extends HasMetadata> extends OwnedObject<R>
        implements Creator<R, Recommender>, Updater<R, Recommender>, GarbageCollected<Recommender> {

    protected ServingObject(Class<R> type) {
        super(type);
    }

    abstract R desired(Recommender r, Plan plan);

    /** Serving objects are needed by the plan alone. */
    boolean needed(Recommender r, Plan plan) {
        return true;
    }

    @Override
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return needed(r, plan);
    }

    /** The desired state when it depends on what is observed too; by default, on the plan alone. */
    R desired(Recommender r, Plan plan, Context<Recommender> context) {
        return desired(r, plan);
    }

    @Override
    protected final R desired(Recommender r, Context<Recommender> context) {
        return desired(r, WorkflowContext.plan(context), context);
    }
}
