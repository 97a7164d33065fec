package io.recommender.operator.training;

import io.recommender.contracts.quality.QualityThresholds;
import io.recommender.operator.decide.QualityGate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.bundle.BundleLayout;
import io.recommender.operator.serving.ServingObjects;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.features.FeatureStore;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.registry.RegistryCredentials;
import io.recommender.operator.serving.PodSecurity;
import io.recommender.operator.serving.Resources;
import io.recommender.operator.decide.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training Job, as a pure function of a Recommender and where its images go. Two steps in one pod: {@code train}
 * (an init container) writes the model bundle to /work/bundle, then {@code package} (the same image) verifies
 * it, builds the recommender and TensorFlow Serving images on their bases, pushes them and reports their digests in
 * its termination message. Its name comes from the training hash, so an operator restarted mid-training finds
 * the running Job instead of starting a second one, and a retried push reuses the name.
 */
public final class TrainingJobs {
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    public static final String TRAIN = "train";
    public static final String PACKAGE = "package";
    static final int BACKOFF_LIMIT = 2;
    static final long DEADLINE_SECONDS = 6 * 3600;
    /** Finished Jobs are removed by the operator once their result is in status; this is the backstop. */
    static final int TTL_SECONDS = 3600;
    static final String BUNDLE = "/work/bundle";
    /** Where the stable version's bundle is copied for spec.quality.maxRegression. */
    static final String STABLE_BUNDLE = "/work/stable";
    public static final String STABLE_BUNDLE_CONTAINER = QualityGate.STABLE_BUNDLE_CONTAINER;
    static final String BUNDLE_COPY_MAIN = "io.recommender.bundle.BundleCopy";
    static final String REGISTRY_DIR = "/var/run/recommender/registry";
    static final String DOCKER_CONFIG = REGISTRY_DIR + "/config.json";
    /** package's exit codes: 2 a bad bundle or input, 3 the registry; neither gets better by running the pod again. */
    static final List<Integer> PACKAGE_FINAL_EXIT_CODES = List.of(2, 3, QualityThresholds.REFUSED_EXIT);

    private TrainingJobs() {}

    /** The recommender image's base: the Recommender's serving.image, else the operator's default. */
    public static String runtimeBase(Recommender r, OperatorConfig config) {
        ServingSpec s = r.getSpec().serving();
        return s != null && s.image() != null ? s.image() : config.runtimeImage();
    }

    /** TensorFlow Serving's base: the Recommender's serving.tfServingImage, else the operator's default. */
    public static String tfServingBase(Recommender r, OperatorConfig config) {
        ServingSpec s = r.getSpec().serving();
        return s != null && s.tfServingImage() != null ? s.tfServingImage() : config.tfServingImage();
    }

    /** Copies the stable version's bundle out of its recommender image with the image's own JRE (no shell in it). */
    private static Container stableBundleCopy(ModelVersion stable) {
        return new ContainerBuilder()
                .withName(STABLE_BUNDLE_CONTAINER)
                .withImage(stable.image())
                .withImagePullPolicy("IfNotPresent")
                .withCommand("java", "-Xmx128m", "-XX:-UsePerfData", "-cp", ServingObjects.IMAGE_CLASSPATH,
                        BUNDLE_COPY_MAIN, BundleLayout.IMAGE_DIR, STABLE_BUNDLE)
                .withResources(Resources.of(null, Map.of("cpu", "250m", "memory", "192Mi"), Map.of("memory", "256Mi")))
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container())
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addToVolumeMounts(PodSecurity.tmpMount())
                .build();
    }

    private static List<PodFailurePolicyRule> failurePolicy(boolean copiesStableBundle) {
        List<PodFailurePolicyRule> rules = new ArrayList<>();
        // The operator retries a refused push itself, with backoff; a bad bundle is not retried at all.
        rules.add(new PodFailurePolicyRuleBuilder().withAction("FailJob").withNewOnExitCodes()
                .withContainerName(PACKAGE).withOperator("In").withValues(PACKAGE_FINAL_EXIT_CODES).endOnExitCodes()
                .build());
        if (copiesStableBundle) {
            // Nor is a stable image without a readable bundle (or without BundleCopy): another pod would not fix it.
            rules.add(new PodFailurePolicyRuleBuilder().withAction("FailJob").withNewOnExitCodes()
                    .withContainerName(STABLE_BUNDLE_CONTAINER).withOperator("NotIn").withValues(0).endOnExitCodes()
                    .build());
        }
        // An evicted or preempted pod is not the model's fault: run it again without counting it.
        rules.add(new PodFailurePolicyRuleBuilder().withAction("Ignore").addNewOnPodCondition()
                .withType("DisruptionTarget").withStatus("True").endOnPodCondition().build());
        return rules;
    }

    private static List<LocalObjectReference> pullSecrets(Recommender r) {
        String secret = RegistryCredentials.pullSecret(r);
        return secret == null ? null : List.of(new LocalObjectReference(secret));
    }

    public static Job job(Recommender r, Plan plan, OperatorConfig config, PushTarget target) {
        TrainingSpec t = r.getSpec().model().training();
        int gpus = t.gpus() == null ? 0 : t.gpus();
        ResourceRequirements resources = Resources.of(t.resources(), Map.of("cpu", "1", "memory", "2Gi"),
                Map.of("memory", "4Gi"));
        if (gpus > 0) {
            resources.getLimits().put(GPU_RESOURCE, new Quantity(Integer.toString(gpus)));
        }
        List<Toleration> tolerations = new ArrayList<>(t.tolerations() == null ? List.of() : t.tolerations());
        if (gpus > 0 && tolerations.stream().noneMatch(x -> GPU_RESOURCE.equals(x.getKey()))) {
            tolerations.add(new TolerationBuilder().withKey(GPU_RESOURCE).withOperator("Exists")
                    .withEffect("NoSchedule").build());
        }
        String image = t.image() != null ? t.image() : gpus > 0 ? config.trainingGpuImage() : config.trainingImage();
        List<String> trainArgs = new ArrayList<>(List.of("train", "--data", t.dataset(), "--out", BUNDLE,
                "--epochs", Integer.toString(t.epochs() == null ? TrainingSpec.DEFAULT_EPOCHS : t.epochs()),
                "--embedding-size", Integer.toString(t.embeddingSize() == null ? TrainingSpec.DEFAULT_EMBEDDING_SIZE
                        : t.embeddingSize()),
                "--seed", Long.toString(t.seed() == null ? 42 : t.seed()),
                "--device", gpus > 0 ? "gpu" : "cpu"));
        // The feature store's events stream; its password reaches the pod only as a Secret reference.
        FeatureStore store = t.learnsFromLiveEvents() ? FeatureStore.of(r) : null;
        List<EnvVar> trainEnv = new ArrayList<>(List.of(new EnvVar("JAVA_TOOL_OPTIONS",
                "-XX:MaxRAMPercentage=75 -Dorg.bytedeco.javacpp.cachedir=" + PodSecurity.TMP + "/javacpp", null)));
        if (store != null) {
            trainArgs.addAll(List.of("--live-events-redis", store.url(), "--live-events-prefix", store.prefix()));
            if (store.password() != null) {
                trainEnv.add(FeatureStore.passwordEnv(store.password().name(), store.password().key()));
            }
        }
        List<String> packageArgs = new ArrayList<>(List.of(PACKAGE, "--bundle", BUNDLE,
                "--repository", target.repository(),
                "--runtime-base", runtimeBase(r, config),
                "--tfserving-base", tfServingBase(r, config)));
        List<VolumeMount> packageMounts = new ArrayList<>(List.of(
                new VolumeMountBuilder().withName("work").withMountPath("/work").withReadOnly(true).build(),
                PodSecurity.tmpMount()));
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build(), PodSecurity.tmpVolume()));
        if (target.credentialsSecret() != null) {
            packageArgs.addAll(List.of("--docker-config", DOCKER_CONFIG));
            // A directory mount, not subPath: the kubelet then updates the file when the Secret is refreshed.
            packageMounts.add(new VolumeMountBuilder().withName("registry").withMountPath(REGISTRY_DIR)
                    .withReadOnly(true).build());
            volumes.add(new VolumeBuilder().withName("registry").withNewSecret()
                    .withSecretName(target.credentialsSecret())
                    .addNewItem().withKey(RegistryCredentials.KEY).withPath("config.json").endItem()
                    .endSecret().build());
        }
        if (target.insecure()) {
            packageArgs.add("--insecure-registry");
        }
        // maxRegression compares with the serving version: its bundle comes out of its own image (by digest) in a
        // first init container, and train scores it on the new split as its service answers.
        QualityThresholds quality = QualityGate.thresholds(r);
        ModelVersion stable = quality.maxRegression() != null ? plan.stable() : null;
        if (stable != null && stable.image() != null) {
            trainArgs.addAll(List.of("--stable-bundle", STABLE_BUNDLE, "--stable-features",
                    FeatureStore.of(r) != null ? "live" : "bundle"));
        } else {
            stable = null;
            quality = quality.withoutRegression();
        }
        packageArgs.addAll(quality.args());
        packageArgs.addAll(List.of("--result-file", "/dev/termination-log"));
        return new JobBuilder()
                .withNewMetadata().withName(Names.trainingJob(r, plan.trainingHash()))
                .withNamespace(r.getMetadata().getNamespace()).withLabels(Labels.of(r, Labels.TRAINING)).endMetadata()
                .withNewSpec()
                .withBackoffLimit(BACKOFF_LIMIT)
                .withActiveDeadlineSeconds(DEADLINE_SECONDS)
                .withTtlSecondsAfterFinished(TTL_SECONDS)
                .withNewPodFailurePolicy().withRules(failurePolicy(stable != null)).endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Labels.of(r, Labels.TRAINING)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withNodeSelector(t.nodeSelector())
                .withTolerations(tolerations)
                .withImagePullSecrets(stable == null ? null : pullSecrets(r))
                .withInitContainers(stable == null ? List.of() : List.of(stableBundleCopy(stable)))
                .addNewInitContainer()
                .withName(TRAIN)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withArgs(trainArgs)
                .withEnv(trainEnv)
                .withResources(resources)
                // A failed training's last log lines say why.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container())
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addToVolumeMounts(PodSecurity.tmpMount())
                .endInitContainer()
                .addNewContainer()
                .withName(PACKAGE)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withArgs(packageArgs)
                .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue("-XX:MaxRAMPercentage=75 -Duser.home=" + PodSecurity.TMP)
                .endEnv()
                .withResources(Resources.of(null, Map.of("cpu", "500m", "memory", "1Gi"), Map.of("memory", "2Gi")))
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container())
                .withVolumeMounts(packageMounts)
                .endContainer()
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
