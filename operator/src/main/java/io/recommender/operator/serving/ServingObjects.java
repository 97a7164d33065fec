package io.recommender.operator.serving;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.registry.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Desired serving objects, as pure functions of a Recommender and the version a role serves. One pod:
 * recommender and TensorFlow Serving containers together. Two pods: TensorFlow Serving in its own
 * Deployment behind its own Service, whose address reaches the recommender through a ConfigMap.
 */
public final class ServingObjects {
    public static final int HTTP_PORT = 8080;
    public static final int TF_SERVING_REST_PORT = 8501;
    /**
     * TensorFlow Serving outlives a leaving recommender's drain (its RECOMMENDER_DRAIN_SECONDS, 10 by default):
     * the recommender keeps answering, and calling the model server, for that long after SIGTERM, and TensorFlow
     * Serving itself stops at once on SIGTERM. A preStop sleep (no binary needed) holds that off.
     */
    static final long TF_SERVING_STOP_DELAY_SECONDS = 15;
    public static final String TF_SERVING_URL = "TF_SERVING_URL";

    private ServingObjects() {}

    public static Deployment recommenderDeployment(Recommender r, Role role, ModelVersion v) {
        List<Container> containers = new ArrayList<>();
        containers.add(recommenderContainer(r, role, v));
        if (v.topology() == Topology.OnePod) {
            containers.add(tfServingContainer(r, v));
        }
        return deployment(r, role, Names.recommender(r, role), Labels.RECOMMENDER, v, containers);
    }

    public static Deployment tfServingDeployment(Recommender r, Role role, ModelVersion v) {
        return deployment(r, role, Names.tfServing(r, role), Labels.TF_SERVING, v, List.of(tfServingContainer(r, v)));
    }

    private static Deployment deployment(Recommender r, Role role, String name, String component, ModelVersion v,
            List<Container> containers) {
        Map<String, String> labels = Labels.of(r, component, role);
        Map<String, String> podLabels = new java.util.LinkedHashMap<>(labels);
        podLabels.put(Labels.SPEC_HASH, v.specHash());
        Integer replicas = role == Role.STABLE && autoscaling(r) != null ? null : replicas(r);
        // Nodes without access to the registry (kind; EKS nodes outside the ECR account) pull with its Secret.
        String pullSecret = RegistryCredentials.pullSecret(r);
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(r.getMetadata().getNamespace()).withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(Labels.selector(r, component, role)).endSelector()
                // A new pod must be ready before an old one goes: no capacity is lost while a version rolls out.
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec()
                .withServiceAccountName(Names.serviceAccount(r))
                .withImagePullSecrets(pullSecret == null ? null : List.of(new LocalObjectReference(pullSecret)))
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withContainers(containers)
                .withVolumes(PodSecurity.tmpVolume())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container recommenderContainer(Recommender r, Role role, ModelVersion v) {
        ServingSpec s = r.getSpec().serving();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("RECOMMENDER_EMBEDDING_SOURCE", "tfserving", null));
        env.add(new EnvVar("TF_SERVING_MODEL_NAME", v.modelName(), null));
        env.add(new EnvVar("PORT", Integer.toString(HTTP_PORT), null));
        if (v.topology() == Topology.OnePod) {
            env.add(new EnvVar(TF_SERVING_URL, "http://localhost:" + TF_SERVING_REST_PORT, null));
        } else {
            env.add(new EnvVarBuilder().withName(TF_SERVING_URL).withNewValueFrom().withNewConfigMapKeyRef()
                    .withName(Names.servingConfig(r, role)).withKey(TF_SERVING_URL).endConfigMapKeyRef()
                    .endValueFrom().build());
        }
        return new ContainerBuilder()
                .withName("recommender")
                .withImage(v.image())
                .withImagePullPolicy("IfNotPresent")
                .addNewPort().withName("http").withContainerPort(HTTP_PORT).endPort()
                .withEnv(env)
                .withReadinessProbe(httpProbe("/health/readiness", "http", 2))
                .withLivenessProbe(httpProbe("/health/liveness", "http", 10))
                .withStartupProbe(new ProbeBuilder(httpProbe("/health/liveness", "http", 2)).withFailureThreshold(60).build())
                .withResources(Resources.of(s == null ? null : s.resources(),
                        Map.of("cpu", "250m", "memory", "512Mi"), Map.of("memory", "1Gi")))
                .withSecurityContext(PodSecurity.container())
                .withVolumeMounts(PodSecurity.tmpMount())
                .build();
    }

    private static Container tfServingContainer(Recommender r, ModelVersion v) {
        ServingSpec s = r.getSpec().serving();
        return new ContainerBuilder()
                .withName("tfserving")
                .withImage(v.tfServingImage())
                .withImagePullPolicy("IfNotPresent")
                .withArgs("--rest_api_port=" + TF_SERVING_REST_PORT, "--model_name=" + v.modelName(),
                        "--model_base_path=/models/" + v.modelName())
                .addNewPort().withName("tf-rest").withContainerPort(TF_SERVING_REST_PORT).endPort()
                .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds(TF_SERVING_STOP_DELAY_SECONDS).endSleep()
                .endPreStop().endLifecycle()
                .withReadinessProbe(httpProbe("/v1/models/" + v.modelName(), "tf-rest", 2))
                .withResources(Resources.of(s == null ? null : s.tfServingResources(),
                        Map.of("cpu", "250m", "memory", "512Mi"), Map.of("memory", "1Gi")))
                .withSecurityContext(PodSecurity.container())
                .withVolumeMounts(PodSecurity.tmpMount())
                .build();
    }

    private static Probe httpProbe(String path, String port, int periodSeconds) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet()
                .withPeriodSeconds(periodSeconds).withTimeoutSeconds(2).build();
    }

    public static Service recommenderService(Recommender r, Role role) {
        return service(r, Names.recommender(r, role), Labels.RECOMMENDER, role, port(r), "http");
    }

    public static Service tfServingService(Recommender r, Role role) {
        return service(r, Names.tfServing(r, role), Labels.TF_SERVING, role, TF_SERVING_REST_PORT, "tf-rest");
    }

    private static Service service(Recommender r, String name, String component, Role role, int port, String target) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, component, role)).endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(Labels.selector(r, component, role))
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(target)).withProtocol("TCP")
                .endPort().endSpec()
                .build();
    }

    /** Hands the recommender of a role the address of its TensorFlow Serving Service. */
    public static ConfigMap servingConfig(Recommender r, Role role) {
        String url = "http://" + Names.tfServing(r, role) + "." + r.getMetadata().getNamespace() + ".svc:"
                + TF_SERVING_REST_PORT;
        return new ConfigMapBuilder()
                .withNewMetadata().withName(Names.servingConfig(r, role)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER, role)).endMetadata()
                .withData(Map.of(TF_SERVING_URL, url))
                .build();
    }

    public static ServiceAccount serviceAccount(Recommender r) {
        return new ServiceAccountBuilder()
                .withNewMetadata().withName(Names.serviceAccount(r)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER)).endMetadata()
                .withAutomountServiceAccountToken(false)
                .build();
    }

    public static HorizontalPodAutoscaler autoscaler(Recommender r) {
        ServingSpec.AutoscalingSpec a = autoscaling(r);
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName(Names.recommender(r, Role.STABLE)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER, Role.STABLE)).endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment")
                .withName(Names.recommender(r, Role.STABLE)).endScaleTargetRef()
                .withMinReplicas(a.minReplicas() == null ? 1 : a.minReplicas())
                .withMaxReplicas(a.maxReplicas())
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(a.targetCPUUtilizationPercentage() == null ? 70 : a.targetCPUUtilizationPercentage())
                .endTarget().endResource().endMetric()
                .endSpec()
                .build();
    }

    public static PodDisruptionBudget disruptionBudget(Recommender r) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(Names.recommender(r, Role.STABLE)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.RECOMMENDER, Role.STABLE)).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.selector(r, Labels.RECOMMENDER, Role.STABLE)).endSelector()
                .endSpec()
                .build();
    }

    /** More than one pod at all times: a disruption budget then keeps voluntary evictions one at a time. */
    public static boolean needsDisruptionBudget(Recommender r) {
        ServingSpec.AutoscalingSpec a = autoscaling(r);
        return a != null ? (a.minReplicas() == null ? 1 : a.minReplicas()) > 1 : replicas(r) > 1;
    }

    /** A version served in the two-pod topology: TensorFlow Serving has its own Deployment, Service and address. */
    public static boolean twoPod(ModelVersion v) {
        return v != null && v.topology() == Topology.TwoPod;
    }

    public static ServingSpec.AutoscalingSpec autoscaling(Recommender r) {
        ServingSpec s = r.getSpec().serving();
        return s == null ? null : s.autoscaling();
    }

    /** Replicas of a fixed-size version, or the autoscaler's minimum; a candidate gets the same capacity. */
    public static int replicas(Recommender r) {
        ServingSpec s = r.getSpec().serving();
        if (s == null) {
            return 1;
        }
        if (s.autoscaling() != null) {
            return s.autoscaling().minReplicas() == null ? 1 : s.autoscaling().minReplicas();
        }
        return s.replicas() == null ? 1 : s.replicas();
    }

    public static int port(Recommender r) {
        ServingSpec s = r.getSpec().serving();
        return s == null || s.port() == null ? HTTP_PORT : s.port();
    }
}
