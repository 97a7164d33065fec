package io.recommender.operator.act;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.recommender.api.v1alpha1.Recommender;

/**
 * A Job the pipeline runs. Jobs are created and deleted, never updated: a Job's pod template is immutable, and a
 * changed spec makes a new Job under a new name anyway. A Job whose result this reconcile has just read is kept
 * until the status recording that result is written: the workflow runs before the status patch, and an operator
 * stopped in between would otherwise find neither the result nor the Job, and run the step again. Hence
 * {@link #needed} asks the plan of the status as read too ({@link WorkflowContext#persisted}).
 */
public abstract class CreateOnlyJob extends OwnedObject<Job>
        implements Creator<Job, Recommender>, GarbageCollected<Recommender> {

    protected CreateOnlyJob() {
        super(Job.class);
    }
}
