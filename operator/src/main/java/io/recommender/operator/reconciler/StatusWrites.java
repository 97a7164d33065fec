package io.recommender.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How the reconciler writes a status: the decided one, or the one that records a failed reconcile. */
final class StatusWrites {
    private StatusWrites() {
    }

    /**
     * Writes the status with optimistic locking and keeps the written resource in the SDK's cache, so the next
     * reconcile (often already queued by an owned object's change) reads this status, not the one before it; a
     * stale read would decide and announce the same transition twice. Events follow only a successful write.
     */
    static void write(Recommender r, RecommenderStatus next, Context<Recommender> context) {
        if (!context.getControllerConfiguration().getConfigurationService().useSSAToPatchPrimaryResource()) {
            // As the SDK itself writes without server-side apply: the whole status, replaced.
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(r, context, fresh -> {
                fresh.setStatus(next);
                return fresh;
            });
            return;
        }
        Recommender statusOnly = new Recommender();
        statusOnly.setMetadata(new ObjectMetaBuilder().withName(r.getMetadata().getName())
                .withNamespace(r.getMetadata().getNamespace()).build());
        statusOnly.setStatus(next);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(r, statusOnly, context);
    }

    /**
     * The status recording {@code failure}: Degraded (and, for a spec Kubernetes refuses, Progressing False) set
     * on the decided status when the reconcile got that far, else on the status as read. Degraded and
     * Progressing start from the status as read, so an attempt that fails the same way changes nothing,
     * lastTransitionTime included.
     */
    static RecommenderStatus failed(RecommenderStatus read, RecommenderStatus decided, Failures.Failure failure,
            Instant now, long generation) {
        RecommenderStatus base = decided != null ? decided : read != null ? read
                : new RecommenderStatus(null, null, null, null, null, null, null, null, null);
        List<io.fabric8.kubernetes.api.model.Condition> previous = new ArrayList<>(
                base.conditions() == null ? List.of() : base.conditions());
        List<String> replaced = List.of(ConditionTypes.DEGRADED, ConditionTypes.PROGRESSING);
        previous.removeIf(c -> replaced.contains(c.getType()));
        for (String type : replaced) {
            Conditions.find(read == null ? null : read.conditions(), type).ifPresent(previous::add);
        }
        Conditions c = new Conditions(previous, now, generation).setTrue(ConditionTypes.DEGRADED, failure.reason(), failure.message());
        if (Failures.INVALID_SPEC.equals(failure.reason())) {
            c.setFalse(ConditionTypes.PROGRESSING, Failures.INVALID_SPEC, "the spec cannot run as it is; "
                    + "waiting for a change to it");
        }
        return new RecommenderStatus(base.observedGeneration(), base.phase(), c.list(), base.stable(),
                base.candidate(), base.lastLoadTest(), base.history(), base.rejectedSpecHash(), base.retryToken(),
                base.features(), base.schedule(), base.analysis());
    }
}
