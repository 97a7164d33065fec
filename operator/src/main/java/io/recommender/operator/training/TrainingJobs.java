package io.recommender.operator.training;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.serving.PodSecurity;
import io.recommender.operator.serving.Resources;
import io.recommender.operator.status.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training Job, as a pure function of a Recommender. Its name comes from the training spec's hash, so an
 * operator restarted mid-training finds the running Job instead of starting a second one.
 */
public final class TrainingJobs {
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    static final int BACKOFF_LIMIT = 2;
    static final long DEADLINE_SECONDS = 6 * 3600;
    /** Finished Jobs are removed by the operator once their result is in status; this is the backstop. */
    static final int TTL_SECONDS = 3600;

    private TrainingJobs() {}

    public static Job job(Recommender r, OperatorConfig config) {
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
        List<String> args = List.of("train", "--data", t.dataset(), "--out", "/work/bundle",
                "--epochs", Integer.toString(t.epochs() == null ? 20 : t.epochs()),
                "--embedding-size", Integer.toString(t.embeddingSize() == null ? 32 : t.embeddingSize()),
                "--seed", Long.toString(t.seed() == null ? 42 : t.seed()),
                "--device", gpus > 0 ? "gpu" : "cpu",
                "--result-file", "/dev/termination-log");
        return new JobBuilder()
                .withNewMetadata().withName(Names.trainingJob(r, Plan.trainingHash(r)))
                .withNamespace(r.getMetadata().getNamespace()).withLabels(Labels.of(r, Labels.TRAINING)).endMetadata()
                .withNewSpec()
                .withBackoffLimit(BACKOFF_LIMIT)
                .withActiveDeadlineSeconds(DEADLINE_SECONDS)
                .withTtlSecondsAfterFinished(TTL_SECONDS)
                .withNewTemplate()
                .withNewMetadata().withLabels(Labels.of(r, Labels.TRAINING)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withNodeSelector(t.nodeSelector())
                .withTolerations(tolerations)
                .addNewContainer()
                .withName("train")
                .withImage(t.image() != null ? t.image() : config.trainingImage())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .addNewEnv().withName("JAVA_TOOL_OPTIONS")
                .withValue("-XX:MaxRAMPercentage=75 -Dorg.bytedeco.javacpp.cachedir=" + PodSecurity.TMP + "/javacpp")
                .endEnv()
                .withResources(resources)
                .withTerminationMessagePolicy("File")
                .withSecurityContext(PodSecurity.container())
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addToVolumeMounts(PodSecurity.tmpMount())
                .endContainer()
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .addToVolumes(PodSecurity.tmpVolume())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
