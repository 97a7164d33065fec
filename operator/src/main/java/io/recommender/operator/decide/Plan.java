package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.RecommenderStatus.ScheduleStatus;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.naming.Role;
import io.recommender.operator.naming.SpecHashes;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.util.Objects;

/**
 * What should exist for a Recommender, read from its spec and a status: the one read (what the observer looks
 * for and the decision starts from) or the one just decided (what the workflow's dependents build). Made once per
 * reconcile ({@link #of}, then {@link #with} for the decided status, which keeps the spec hashes) and shared
 * through the workflow's context, so no dependent derives it again.
 */
public final class Plan {
    /** Changing this annotation's value retries a version that failed training or the latency gate. */
    public static final String RETRY_ANNOTATION = "recommender.io/retry";
    static final RecommenderStatus EMPTY = new RecommenderStatus(null, null, null, null, null, null, null, null, null);

    private final String versionHash;
    private final String specTrainingHash;
    private final String trainingHash;
    private final String sloHash;
    private final String identity;
    private final String retryToken;
    private final RecommenderStatus status;
    private final boolean blocked;
    private final boolean serving;
    private final ModelVersion candidate;
    private final boolean retryingPush;
    private final boolean pinned;
    private final String gateKey;
    private final FeatureStore featureStore;
    private final boolean retryingLoad;

    private Plan(String versionHash, String specTrainingHash, String retryToken, boolean pinned, String sloHash,
            RecommenderStatus status, FeatureStore featureStore) {
        this.featureStore = featureStore;
        this.versionHash = versionHash;
        this.specTrainingHash = specTrainingHash;
        this.pinned = pinned;
        this.sloHash = sloHash;
        this.retryToken = retryToken;
        this.status = status == null ? EMPTY : status;
        // A scheduled run of this spec's version: its training, and so its version, are new.
        ScheduleStatus schedule = this.status.schedule();
        String run = specTrainingHash != null && schedule != null && schedule.run() != null
                && versionHash.equals(schedule.runVersion()) ? schedule.run() : null;
        this.trainingHash = run == null ? specTrainingHash : SpecHashes.trainingRun(specTrainingHash, run);
        this.identity = run == null ? versionHash : SpecHashes.trainingRun(versionHash, run);
        this.gateKey = identity + "/" + sloHash;
        this.blocked = blocks(this.status.rejectedSpecHash(), identity, gateKey)
                && Objects.equals(this.status.retryToken(), retryToken);
        ModelVersion stable = this.status.stable();
        this.serving = stable != null && versionHash.equals(stable.specHash())
                && (run == null || trainingHash.equals(stable.trainingHash()));
        ModelVersion c = this.status.candidate();
        this.candidate = c != null && versionHash.equals(c.specHash()) && !blocked ? c : null;
        this.retryingPush = Conditions.find(this.status.conditions(), ConditionTypes.IMAGES_READY)
                .map(x -> TrainingOutcome.RETRYING_PUSH.equals(x.getReason())).orElse(false);
        this.retryingLoad = Conditions.find(this.status.conditions(), ConditionTypes.FEATURES_READY)
                .map(x -> FeaturesOutcome.RETRYING_LOAD.equals(x.getReason())).orElse(false);
    }

    /** The plan of the Recommender as read. */
    public static Plan of(Recommender r) {
        var training = r.getSpec().model().training();
        return new Plan(SpecHashes.version(r.getSpec()), training == null ? null : SpecHashes.training(r.getSpec()),
                r.getMetadata().getAnnotations() == null ? null : r.getMetadata().getAnnotations().get(RETRY_ANNOTATION),
                r.getSpec().model().pinnedVersion() != null, SpecHashes.slo(r.getSpec()), r.getStatus(),
                FeatureStore.of(r));
    }

    /** The same spec under another status (the decided one): the hashes are not computed again. */
    public Plan with(RecommenderStatus next) {
        return new Plan(versionHash, specTrainingHash, retryToken, pinned, sloHash, next, featureStore);
    }

    /**
     * What a version is judged as: the spec's version hash, or, for a scheduled run of it, a hash of both (a run
     * that fails blocks only itself: the next tick tries again). Names the gate Job and a failed training's
     * rejection.
     */
    public String identity() {
        return identity;
    }

    /**
     * What a rejection is recorded as (status.rejectedSpecHash): the version's {@link #identity} for a failed
     * training, which no SLO changes; the identity and the SLO's hash for a failed load test, which another SLO
     * may pass.
     */
    public String gateKey() {
        return gateKey;
    }

    static boolean blocks(String rejected, String versionHash, String gateKey) {
        return versionHash.equals(rejected) || gateKey.equals(rejected);
    }

    /** Hash of the spec fields that define a version (a new one is a new candidate). */
    public String versionHash() {
        return versionHash;
    }

    /** Hash of what a training Job produces from (made new by a scheduled run); null for an artifact. */
    public String trainingHash() {
        return trainingHash;
    }

    /** The {@link #RETRY_ANNOTATION}'s value, or null. */
    public String retryToken() {
        return retryToken;
    }

    /** The status this plan reads (never null). */
    public RecommenderStatus status() {
        return status;
    }

    /** The current spec's version failed and no retry was asked for. */
    public boolean blocked() {
        return blocked;
    }

    /** The current spec is what the stable version serves. */
    public boolean serving() {
        return serving;
    }

    /** The version under test, when it belongs to the current spec. */
    public ModelVersion candidate() {
        return candidate;
    }

    public ModelVersion stable() {
        return status.stable();
    }

    /** The version a role serves: the stable one, or the candidate; null when it has none. */
    public ModelVersion version(Role role) {
        return role == Role.STABLE ? stable() : candidate;
    }

    /**
     * A training Job runs when the current spec needs a model that neither version already has (and exists
     * until its result is in status, or until a failed push is retried).
     */
    public boolean trainingNeeded() {
        // A pinned version is one already made: nothing trains while a pin is set.
        if (trainingHash == null || pinned || serving || blocked || candidate != null || retryingPush) {
            return false;
        }
        ModelVersion stable = stable();
        return stable == null || !trainingHash.equals(stable.trainingHash());
    }

    /** A training Job whose push failed is due for another attempt: it is deleted, then made again. */
    public boolean retryingPush() {
        return retryingPush;
    }

    /**
     * The gate Job runs once the candidate's Deployment is available and, with a Redis feature store, its initial
     * load is done: the load test measures the recommender on the data it will serve.
     */
    public boolean gateNeeded() {
        return candidate != null && Conditions.isTrue(status.conditions(), ConditionTypes.DEPLOYED)
                && (featureStore == null || Conditions.isTrue(status.conditions(), ConditionTypes.FEATURES_READY));
    }

    /** The spec's Redis feature store; null for Bundle. */
    public FeatureStore featureStore() {
        return featureStore;
    }

    /** The feature store's initial load of the current data, address and prefix is recorded in status. */
    public boolean featuresLoaded() {
        return featureStore != null && featureStore.loadHash() != null && status.features() != null
                && featureStore.loadHash().equals(status.features().loadHash());
    }

    /**
     * The initial load Job runs when the spec reads Redis, has training data to load, and this data, address and
     * prefix are not loaded yet (and exists until its result is in status, or until a failed load is retried).
     */
    public boolean featureLoadNeeded() {
        return featureStore != null && featureStore.loadHash() != null && !featuresLoaded() && !blocked
                && !retryingLoad;
    }
}
