package io.recommender.operator.act;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.recommender.api.v1alpha1.Recommender;

/**
 * The reconcile precondition of every owned object: the object's own {@link OwnedObject#needed}. When it does not
 * hold, the workflow deletes the object.
 */
public final class WhenNeeded implements Condition<Object, Recommender> {
    @Override
    public boolean isMet(DependentResource<Object, Recommender> dependent, Recommender r, Context<Recommender> context) {
        return ((OwnedObject<?>) dependent).needed(r, WorkflowContext.plan(context), context);
    }
}
