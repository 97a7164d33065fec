package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.QualitySpec;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.contracts.quality.QualityThresholds;

/** spec.quality as the thresholds the training Job's package step checks and the operator reports. */
public final class QualityGate {
    /** The training Job's first init container with maxRegression: the stable version's bundle out of its image. */
    public static final String STABLE_BUNDLE_CONTAINER = "stable-bundle";

    private QualityGate() {}

    /** The thresholds; none set (nothing checked) without spec.quality. */
    public static QualityThresholds thresholds(Recommender r) {
        QualitySpec q = r.getSpec().quality();
        return q == null ? new QualityThresholds(null, null, null)
                : new QualityThresholds(q.minRecallAt10(), q.minNdcgAt10(), q.maxRmse(), q.maxRegression());
    }
}
