package io.recommender.operator.status;

import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.operator.naming.SpecHashes;
import java.util.Objects;

/**
 * What should exist for a Recommender, read from its spec and the status the last reconcile recorded.
 * Dependent resources ask these questions; {@link Pipeline} answers them for the next status.
 */
public final class Plan {
    /** Changing this annotation's value retries a version that failed training or the latency gate. */
    public static final String RETRY_ANNOTATION = "recommender.io/retry";

    private Plan() {}

    public static String versionHash(Recommender r) {
        return SpecHashes.version(r.getSpec());
    }

    public static String trainingHash(Recommender r) {
        return r.getSpec().model().training() == null ? null : SpecHashes.training(r.getSpec());
    }

    public static String retryToken(Recommender r) {
        return r.getMetadata().getAnnotations() == null ? null : r.getMetadata().getAnnotations().get(RETRY_ANNOTATION);
    }

    static RecommenderStatus status(Recommender r) {
        return r.getStatus() == null ? Pipeline.EMPTY : r.getStatus();
    }

    /** The current spec's version failed and no retry was asked for. */
    public static boolean blocked(Recommender r) {
        RecommenderStatus s = status(r);
        return versionHash(r).equals(s.rejectedSpecHash()) && Objects.equals(s.retryToken(), retryToken(r));
    }

    /** The current spec is what the stable version serves. */
    public static boolean serving(Recommender r) {
        ModelVersion stable = status(r).stable();
        return stable != null && versionHash(r).equals(stable.specHash());
    }

    /** The version under test, when it belongs to the current spec. */
    public static ModelVersion candidate(Recommender r) {
        ModelVersion c = status(r).candidate();
        return c != null && versionHash(r).equals(c.specHash()) && !blocked(r) ? c : null;
    }

    public static ModelVersion stable(Recommender r) {
        return status(r).stable();
    }

    /**
     * A training Job runs when the current spec needs a model that neither version already has (and exists
     * until its result is in status, or until a failed push is retried).
     */
    public static boolean trainingNeeded(Recommender r) {
        String t = trainingHash(r);
        if (t == null || serving(r) || blocked(r) || candidate(r) != null || retryingPush(r)) {
            return false;
        }
        ModelVersion stable = stable(r);
        return stable == null || !t.equals(stable.trainingHash());
    }

    /** A training Job whose push failed is due for another attempt: it is deleted, then made again. */
    public static boolean retryingPush(Recommender r) {
        return Conditions.find(status(r).conditions(), ConditionTypes.IMAGES_READY)
                .map(c -> Pipeline.RETRYING_PUSH.equals(c.getReason())).orElse(false);
    }

    /** The gate Job runs once the candidate's Deployment is available. */
    public static boolean gateNeeded(Recommender r) {
        return candidate(r) != null && Conditions.isTrue(status(r).conditions(), ConditionTypes.DEPLOYED);
    }
}
