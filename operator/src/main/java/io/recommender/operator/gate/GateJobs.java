package io.recommender.operator.gate;

import io.recommender.api.gate.LoadTestArgs;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.bundle.BundleLayout;
import io.recommender.operator.registry.RegistryCredentials;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.PodSecurity;
import io.recommender.operator.serving.Resources;
import io.recommender.operator.serving.ServingObjects;
import io.recommender.operator.decide.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latency gate's Job: the load-test program against the candidate's Service, with the Recommender's SLO.
 * It writes its report to its termination message and exits non-zero on a failed verdict.
 *
 * <p>The load asks about the candidate model's own users: an init container run from the candidate's image (the
 * bundle is in it, and so is model-bundle's {@code UserPopulation} on the service's classpath) writes the users and
 * their training activity into a volume the load test reads. The operator reads no bundle itself.
 */
public final class GateJobs {
    /** Time beyond the load test's duration for start-up, connection and report writing. */
    static final long GRACE_SECONDS = 300;
    static final String POPULATION_VOLUME = "population";
    static final String POPULATION_DIR = "/population";
    static final String POPULATION_FILE = POPULATION_DIR + "/users.txt";
    /** The service image's classpath: Jib's default layout of runtime-image's image (/app/libs/*.jar). */
    static final String IMAGE_CLASSPATH = ServingObjects.IMAGE_CLASSPATH;
    static final String POPULATION_MAIN = "io.recommender.bundle.UserPopulation";

    private GateJobs() {}

    public static Job job(Recommender r, Plan plan, OperatorConfig config) {
        SloSpec slo = r.getSpec().slo();
        long seconds = LoadTestArgs.warmupSeconds(slo) + LoadTestArgs.durationSeconds(slo);
        String target = "http://" + Names.recommender(r, Role.CANDIDATE) + "." + r.getMetadata().getNamespace()
                + ".svc:" + ServingObjects.port(r);
        ModelVersion candidate = plan.candidate();
        if (candidate == null) {
            throw new IllegalStateException("the gate Job loads a candidate, and " + r.getMetadata().getName()
                    + " has none");
        }
        List<String> args = new ArrayList<>(LoadTestArgs.of(slo, target, POPULATION_FILE));
        args.addAll(List.of("--termination-log", "/dev/termination-log"));
        VolumeMount populationMount = new VolumeMountBuilder().withName(POPULATION_VOLUME)
                .withMountPath(POPULATION_DIR).build();
        String pullSecret = RegistryCredentials.pullSecret(r);
        return new JobBuilder()
                .withNewMetadata().withName(Names.gateJob(r, plan.identity(), plan.retryToken()))
                .withNamespace(r.getMetadata().getNamespace()).withLabels(Labels.of(r, Labels.GATE)).endMetadata()
                .withNewSpec()
                // A verdict is final: a failed load test is not run again by the Job controller.
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(seconds + GRACE_SECONDS)
                .withTtlSecondsAfterFinished(3600)
                .withNewTemplate()
                .withNewMetadata().withLabels(Labels.of(r, Labels.GATE)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withImagePullSecrets(pullSecret == null ? null : List.of(new LocalObjectReference(pullSecret)))
                .addNewInitContainer()
                .withName(Names.GATE_USERS_CONTAINER)
                .withImage(candidate.image())
                .withImagePullPolicy("IfNotPresent")
                // The image's own JRE; no shell in it. -XX:-UsePerfData: nothing to write outside the volumes.
                .withCommand("java", "-Xmx128m", "-XX:-UsePerfData", "-cp", IMAGE_CLASSPATH, POPULATION_MAIN,
                        BundleLayout.IMAGE_DIR, POPULATION_FILE)
                .withResources(Resources.of(null, Map.of("cpu", "250m", "memory", "192Mi"), Map.of("memory", "256Mi")))
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container())
                .addToVolumeMounts(PodSecurity.tmpMount(), populationMount)
                .endInitContainer()
                .addNewContainer()
                .withName("load-test")
                .withImage(config.loadTestImage())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .withResources(Resources.of(null, Map.of("cpu", "500m", "memory", "256Mi"), Map.of("memory", "512Mi")))
                .withTerminationMessagePolicy("File")
                .withSecurityContext(PodSecurity.container())
                .addToVolumeMounts(PodSecurity.tmpMount(), populationMount)
                .endContainer()
                .addToVolumes(PodSecurity.tmpVolume())
                .addNewVolume().withName(POPULATION_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity("64Mi"))
                .endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
