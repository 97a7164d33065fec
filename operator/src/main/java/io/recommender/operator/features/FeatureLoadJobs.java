package io.recommender.operator.features;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.serving.PodSecurity;
import io.recommender.operator.serving.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The feature store's initial load as a Job, a pure function of a Recommender and its {@link FeatureStore}:
 * {@code training-job materialize} (the training image) replays the training data's ratings into every user's state
 * in Redis. Idempotent (each user's keys are replaced whole), so the Job controller may run it again.
 */
public final class FeatureLoadJobs {
    public static final String CONTAINER = "materialize";
    static final int BACKOFF_LIMIT = 2;
    static final long DEADLINE_SECONDS = 3600;
    /** Finished Jobs are removed by the operator once their result is in status; this is the backstop. */
    static final int TTL_SECONDS = 3600;

    private FeatureLoadJobs() {}

    public static Job job(Recommender r, FeatureStore store, OperatorConfig config) {
        TrainingSpec t = r.getSpec().model().training();
        String image = t != null && t.image() != null ? t.image() : config.trainingImage();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75", null));
        if (store.password() != null) {
            // materialize reads it from its env, as the service does: never in the Job object, status, the operator's
            // memory or the process's arguments.
            env.add(FeatureStore.passwordEnv(store.password().name(), store.password().key()));
        }
        List<String> args = List.of("materialize", "--data", store.dataset(), "--redis", store.url(),
                "--prefix", store.prefix(), "--result-file", "/dev/termination-log");
        Map<String, String> labels = Labels.of(r, Labels.FEATURE_LOAD);
        return new JobBuilder()
                .withNewMetadata().withName(Names.featureLoadJob(r, store.loadHash()))
                .withNamespace(r.getMetadata().getNamespace()).withLabels(labels).endMetadata()
                .withNewSpec()
                .withBackoffLimit(BACKOFF_LIMIT)
                .withActiveDeadlineSeconds(DEADLINE_SECONDS)
                .withTtlSecondsAfterFinished(TTL_SECONDS)
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .withEnv(env)
                .withResources(Resources.of(null, Map.of("cpu", "500m", "memory", "1Gi"), Map.of("memory", "2Gi")))
                // A failed load's last log lines say why.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container())
                .addToVolumeMounts(PodSecurity.tmpMount())
                .endContainer()
                .addToVolumes(PodSecurity.tmpVolume())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
