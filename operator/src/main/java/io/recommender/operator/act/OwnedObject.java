package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.decide.Plan;

/**
 * An object a Recommender owns, as a dependent of the reconciler's workflow: its name, whether it is needed, and
 * (in the subclass) its desired state, all from the reconcile's {@link Plan}. It is found by name in an informer
 * shared with the other dependents of its kind; the name is known without building the desired object, which
 * may not be buildable while the object is not needed. Objects that exist for either serving role take the role
 * as a parameter; each role is still its own small class, because the workflow declares dependents by class.
 */
public abstract class OwnedObject<R extends HasMetadata> extends KubernetesDependentResource<R, Recommender> {

    protected OwnedObject(Class<R> type) {
        super(type);
    }

    abstract String name(Recommender r, Plan plan);

    /** Whether the object should exist now; when not, the workflow deletes it ({@link WhenNeeded}). */
    boolean needed(Recommender r, Plan plan, Context<Recommender> context) {
        return true;
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Recommender r, Context<Recommender> context) {
        return new ResourceID(name(r, WorkflowContext.plan(context)), r.getMetadata().getNamespace());
    }
}
