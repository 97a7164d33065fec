package io.recommender.operator.decide;

import io.recommender.api.v1alpha1.ArtifactSpec;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.util.Locale;

/**
 * Where a candidate's model comes from without training (an artifact, or the stable version's model under a new
 * serving spec), and the Trained and ImagesReady conditions of a candidate whose model is ready.
 */
final class CandidateModel {
    private CandidateModel() {}

    /** A model that needs no training, or null. */
    static ModelVersion withoutTraining(Recommender r, Plan plan, long generation) {
        String hash = plan.versionHash();
        ArtifactSpec a = r.getSpec().model().artifact();
        if (a != null) {
            return new ModelVersion(artifactVersion(a.image(), hash), generation, hash, null, r.getSpec().topology(),
                    a.modelName() == null ? "recommender" : a.modelName(), a.image(), a.tfServingImage(), null, null,
                    FeatureStore.versionFeatures(r));
        }
        ModelVersion stable = plan.stable();
        String t = plan.trainingHash();
        if (stable != null && t.equals(stable.trainingHash())) {
            return new ModelVersion(stable.modelVersion(), generation, hash, t, r.getSpec().topology(), stable.modelName(),
                    stable.image(), stable.tfServingImage(), stable.metrics(), null,
                    FeatureStore.versionFeatures(r));
        }
        return null;
    }

    /** A readable version for an artifact: its digest's first hex digits, else its tag, else the spec hash. */
    static String artifactVersion(String image, String hash) {
        int at = image.indexOf("@sha256:");
        if (at >= 0) {
            return "sha256-" + image.substring(at + 8, at + 20);
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "artifact-" + hash;
    }

    static void markReady(Recommender r, ModelVersion candidate, ModelVersion stable, Conditions c) {
        if (r.getSpec().model().artifact() != null) {
            c.remove(ConditionTypes.TRAINED);
            c.remove(ConditionTypes.IMAGES_READY);
        } else if (stable != null && candidate.modelVersion().equals(stable.modelVersion())) {
            c.setTrue(ConditionTypes.TRAINED, "ModelReused", "the stable version's model " + candidate.modelVersion()
                    + " already matches the training spec");
            c.setTrue(ConditionTypes.IMAGES_READY, "ImagesReused", candidate.image() + ", " + candidate.tfServingImage());
        } else {
            c.setTrue(ConditionTypes.IMAGES_READY, "Pushed", candidate.image() + ", " + candidate.tfServingImage());
            ModelVersion.ModelMetrics m = candidate.metrics();
            c.setTrue(ConditionTypes.TRAINED, "Trained", "model " + candidate.modelVersion()
                    + (m == null || m.rmse() == null ? "" : String.format(Locale.ROOT, " (test RMSE %.4f, recall@10 %.4f)",
                            m.rmse(), m.recallAt10() == null ? Double.NaN : m.recallAt10())));
        }
    }
}
