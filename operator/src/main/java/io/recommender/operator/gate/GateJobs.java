package io.recommender.operator.gate;

import io.recommender.api.gate.LoadTestArgs;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
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
 */
public final class GateJobs {
    /** Time beyond the load test's duration for start-up, connection and report writing. */
    static final long GRACE_SECONDS = 300;

    private GateJobs() {}

    public static Job job(Recommender r, Plan plan, OperatorConfig config) {
        SloSpec slo = r.getSpec().slo();
        long seconds = LoadTestArgs.warmupSeconds(slo) + LoadTestArgs.durationSeconds(slo);
        String target = "http://" + Names.recommender(r, Role.CANDIDATE) + "." + r.getMetadata().getNamespace()
                + ".svc:" + ServingObjects.port(r);
        List<String> args = new ArrayList<>(LoadTestArgs.of(slo, target));
        args.addAll(List.of("--termination-log", "/dev/termination-log"));
        return new JobBuilder()
                .withNewMetadata().withName(Names.gateJob(r, plan.versionHash(), plan.retryToken()))
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
                .addNewContainer()
                .withName("load-test")
                .withImage(config.loadTestImage())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .withResources(Resources.of(null, Map.of("cpu", "500m", "memory", "256Mi"), Map.of("memory", "512Mi")))
                .withTerminationMessagePolicy("File")
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
