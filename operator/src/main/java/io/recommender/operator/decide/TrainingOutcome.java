package io.recommender.operator.decide;

import io.recommender.contracts.quality.QualityThresholds;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderStatus.Phase;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.PackagedModel;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.observe.JobOutcome;
import io.recommender.operator.observe.Observation;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.registry.RegistryState;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What became of the training Job of the current spec, with the Trained and ImagesReady conditions that say so.
 *
 * @param version the trained and pushed model, the next candidate; null while there is none
 * @param busy the phase while the Job works, else null
 * @param failed the version is rejected (a failure that retrying the same spec would repeat)
 * @param wakeUp when a refused push is due for another attempt, else null
 * @param registryProblem the ImagesReady reason while the registry holds things up, else null
 */
record TrainingOutcome(ModelVersion version, Phase busy, boolean failed, Instant wakeUp, String registryProblem) {
    /** Exit code of the package command when the registry refused or could not be reached (the contract). */
    static final int REGISTRY_EXIT = 3;
    static final String PACKAGE_CONTAINER = "package";
    /** ImagesReady reasons of a training Job whose push failed: waiting for the retry, and retrying now. */
    static final String PUSH_FAILED = "RegistryPushFailed";
    static final String RETRYING_PUSH = "RetryingPush";
    private static final Pattern DIGEST = Pattern.compile("@sha256:[0-9a-f]{64}$");

    private TrainingOutcome(ModelVersion version, Phase busy, boolean failed) {
        this(version, busy, failed, null, null);
    }

    static TrainingOutcome of(Recommender r, Plan plan, Observation seen, long generation, Conditions c, Instant now) {
        JobOutcome job = seen.training();
        PushTarget target = seen.registry() instanceof RegistryState.Ready ready ? ready.target() : null;
        if (job instanceof JobOutcome.Absent && seen.registry() instanceof RegistryState.Unavailable u) {
            c.setFalse(ConditionTypes.IMAGES_READY, u.reason(), u.message());
            c.setUnknown(ConditionTypes.TRAINED, "AwaitingRegistry", "training starts once the registry can take the "
                    + "model's images");
            awaitModel(c);
            return new TrainingOutcome(null, null, false, null, u.reason());
        }
        if (job instanceof JobOutcome.Failed f) {
            return failed(f, c, now);
        }
        if (job instanceof JobOutcome.Succeeded s) {
            return succeeded(r, plan, s, target, generation, c);
        }
        if (job instanceof JobOutcome.Packaging) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "the model is trained; packaging it");
            c.setFalse(ConditionTypes.IMAGES_READY, "Packaging", "pushing the model's images"
                    + (target == null ? "" : " to " + target.repository()));
            awaitModel(c);
            return new TrainingOutcome(null, Phase.Packaging, false);
        }
        c.setFalse(ConditionTypes.TRAINED, "TrainingInProgress", !(job instanceof JobOutcome.Running)
                ? "starting the training Job" : seen.gpu() != null && !"True".equals(seen.gpu().status())
                ? "the training Job waits for a GPU node (" + seen.gpu().reason() + ")" : "the training Job is running");
        var images = Conditions.find(c.list(), ConditionTypes.IMAGES_READY);
        if (images.isPresent() && (PUSH_FAILED.equals(images.get().getReason())
                || RETRYING_PUSH.equals(images.get().getReason()))) {
            // Still False since the first failure: the backoff keeps doubling across attempts.
            c.setFalse(ConditionTypes.IMAGES_READY, PUSH_FAILED, images.get().getMessage());
        } else {
            c.setUnknown(ConditionTypes.IMAGES_READY, "AwaitingModel", "the images are built once training finishes");
        }
        awaitModel(c);
        return new TrainingOutcome(null, Phase.Training, false);
    }

    private static TrainingOutcome failed(JobOutcome.Failed f, Conditions c, Instant now) {
        if (QualityGate.STABLE_BUNDLE_CONTAINER.equals(f.container())) {
            // The serving version's image could not hand its bundle over for maxRegression: nothing was trained.
            c.setFalse(ConditionTypes.TRAINED, "StableBundleUnreadable", "the stable version's image could not hand "
                    + "over its model bundle for spec.quality.maxRegression (init container "
                    + QualityGate.STABLE_BUNDLE_CONTAINER + (f.exitCode() == null ? "" : ", exit " + f.exitCode())
                    + (f.result() == null ? "" : ": " + f.result()) + "); an image packaged before this operator "
                    + "version has no BundleCopy: remove maxRegression, or serve a version packaged by this one");
            return new TrainingOutcome(null, null, true);
        }
        if (PACKAGE_CONTAINER.equals(f.container()) && Integer.valueOf(REGISTRY_EXIT).equals(f.exitCode())) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "the model was trained; its images were not pushed");
            Instant failedAt = f.at() == null ? now : f.at();
            Instant due = failedAt.plus(RegistryBackoff.of(RegistryBackoff.falseSince(c.list(), failedAt), failedAt));
            String why = f.result() == null ? f.reason() : f.result();
            if (now.isBefore(due)) {
                c.setFalse(ConditionTypes.IMAGES_READY, PUSH_FAILED, why + "; next attempt at " + due);
                return new TrainingOutcome(null, null, false, due, PUSH_FAILED);
            }
            // The failed Job is deleted (Plan.trainingNeeded) and made again under the same name.
            c.setFalse(ConditionTypes.IMAGES_READY, RETRYING_PUSH, "retrying after: " + why);
            return new TrainingOutcome(null, null, false, null, PUSH_FAILED);
        }
        if (PACKAGE_CONTAINER.equals(f.container()) && Integer.valueOf(QualityThresholds.REFUSED_EXIT).equals(f.exitCode())) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "the model was trained; it misses spec.quality");
            c.setFalse(ConditionTypes.QUALITY_VERIFIED, "QualityNotMet", f.result() == null ? f.reason() : f.result());
            c.setFalse(ConditionTypes.IMAGES_READY, "NotPushed", "a model that misses spec.quality is not pushed");
            return new TrainingOutcome(null, null, true);
        }
        if (PACKAGE_CONTAINER.equals(f.container())) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "the model was trained; packaging failed");
            c.setFalse(ConditionTypes.IMAGES_READY, "PackagingFailed", f.result() == null ? f.reason() : f.result());
            return new TrainingOutcome(null, null, true);
        }
        c.setFalse(ConditionTypes.TRAINED, "TrainingFailed", f.result() == null ? f.reason() : f.reason() + ": " + f.result());
        return new TrainingOutcome(null, null, true);
    }

    private static TrainingOutcome succeeded(Recommender r, Plan plan, JobOutcome.Succeeded s, PushTarget target,
            long generation, Conditions c) {
        if (s.result() == null) {
            c.setFalse(ConditionTypes.TRAINED, "TrainingResultMissing",
                    "the training Job succeeded but left no result in its termination message");
            return new TrainingOutcome(null, null, true);
        }
        PackagedModel m;
        try {
            m = PackagedModel.fromJson(s.result());
        } catch (BundleException e) {
            c.setFalse(ConditionTypes.TRAINED, "InvalidTrainingResult", e.getMessage());
            return new TrainingOutcome(null, null, true);
        }
        String problem = imageProblem(m.image(), target);
        problem = problem != null ? problem : imageProblem(m.tfServingImage(), target);
        if (problem != null) {
            c.setTrue(ConditionTypes.TRAINED, "Trained", "model " + m.modelVersion() + " was trained");
            c.setFalse(ConditionTypes.IMAGES_READY, "InvalidPackagingResult", problem);
            return new TrainingOutcome(null, null, true);
        }
        QualityThresholds quality = QualityGate.thresholds(r);
        if (quality.any()) {
            // The package step pushed, so it found the thresholds met; the same check gives the figures. Without a
            // stable version scored on the split (the first model) the Job was not asked to compare.
            QualityThresholds.Stable stable = m.stable() == null ? null : new QualityThresholds.Stable(
                    Long.toString(m.stable().modelVersion()), m.stable().recallAt10(), m.stable().ndcgAt10());
            QualityThresholds.Verdict v = stable == null
                    ? quality.withoutRegression().check(m.rmse(), m.recallAt10(), m.ndcgAt10())
                    : quality.check(m.rmse(), m.recallAt10(), m.ndcgAt10(), stable);
            if (v.passed()) {
                String unchecked = stable != null || quality.maxRegression() == null ? ""
                        : (v.message().isEmpty() ? "" : "; ") + "maxRegression not checked: no version was serving"
                                + " to compare with when it was trained";
                c.setTrue(ConditionTypes.QUALITY_VERIFIED, "QualityMet", "model " + m.modelVersion() + ": "
                        + v.message() + unchecked);
            } else {
                c.setFalse(ConditionTypes.QUALITY_VERIFIED, "QualityNotMet", "model " + m.modelVersion()
                        + " was pushed but misses spec.quality: " + v.message());
                return new TrainingOutcome(null, null, true);
            }
        }
        return new TrainingOutcome(new ModelVersion(Long.toString(m.modelVersion()), generation, plan.versionHash(),
                plan.trainingHash(), r.getSpec().topology(), m.modelName(), m.image(), m.tfServingImage(),
                new ModelVersion.ModelMetrics(m.rmse(), m.recallAt10(), m.ndcgAt10()), null,
                FeatureStore.versionFeatures(r)), null, false);
    }

    /** Until a model exists there is nothing to deploy or test. */
    static void awaitModel(Conditions c) {
        c.setUnknown(ConditionTypes.DEPLOYED, "AwaitingModel", "no model to deploy yet");
        c.setUnknown(ConditionTypes.LATENCY_VERIFIED, "AwaitingModel", "no model to test yet");
    }

    /** The operator rolls out exactly what was pushed: images by digest, in the repository it pushed to. */
    static String imageProblem(String image, PushTarget target) {
        if (!DIGEST.matcher(image).find()) {
            return "the packaging step reported " + image + ", not an image by digest (REPOSITORY@sha256:...)";
        }
        if (target != null && !image.startsWith(target.repository() + "@")) {
            return "the packaging step reported " + image + ", outside repository " + target.repository();
        }
        return null;
    }
}
