package io.recommender.operator.status;

/** Condition types of a Recommender's status. */
public final class ConditionTypes {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String TRAINED = "Trained";
    public static final String IMAGES_READY = "ImagesReady";
    /** Only with spec.quality: whether the trained model reached its thresholds (checked before its images are pushed). */
    public static final String QUALITY_VERIFIED = "QualityVerified";
    public static final String DEPLOYED = "Deployed";
    public static final String LATENCY_VERIFIED = "LatencyVerified";
    /** Only while spec.model.pinnedVersion is set: whether the pinned version serves. */
    public static final String PINNED = "Pinned";
    /** Only while a GPU training pod waits or runs: whether a node can take it (EKS node groups scaled from zero). */
    public static final String GPU_CAPACITY = "GpuCapacity";

    /**
     * Only with features.source Redis: whether the feature store's initial load is done (with its user count), or
     * why not.
     */
    public static final String FEATURES_READY = "FeaturesReady";

    /**
     * Only with model.training.schedule: True while the schedule runs (reason: what the latest tick did, or
     * Waiting), False when it cannot (an expression or time zone that does not parse, a fingerprint that cannot be
     * read).
     */
    public static final String SCHEDULED = "Scheduled";

    private ConditionTypes() {}
}
