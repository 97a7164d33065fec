package io.recommender.operator.serving;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.registry.RegistryCredentials;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the serving objects (in {@code io.recommender.operator.act}, one file each) have in common, as pure
 * functions: the Deployment and Service around a role's pods, TensorFlow Serving's container, probes, and the
 * serving spec's sizes. One pod: recommender and TensorFlow Serving containers together. Two pods: TensorFlow
 * Serving in its own Deployment behind its own Service, whose address reaches the recommender through a ConfigMap.
 */
public final class ServingObjects {
    public static final int HTTP_PORT = 8080;
    public static final int TF_SERVING_REST_PORT = 8501;
    /**
     * TensorFlow Serving outlives a leaving recommender's drain (its RECOMMENDER_DRAIN_SECONDS, 10 by default):
     * the recommender keeps answering, and calling the model server, for that long after SIGTERM, and TensorFlow
     * Serving itself stops at once on SIGTERM. A preStop sleep (no binary needed) holds that off.
     */
    public static final long TF_SERVING_STOP_DELAY_SECONDS = 15;
    public static final String TF_SERVING_URL = "TF_SERVING_URL";
    /** TensorFlow Serving's container, in its own pod (two pods) or beside the recommender (one pod). */
    public static final String TF_SERVING_CONTAINER = "tfserving";
    /** The recommender image's class path: its own JRE runs the bundle's tools from it (it has no shell). */
    public static final String IMAGE_CLASSPATH = "/app/libs/*";

    private ServingObjects() {}

    /** A role's Deployment of {@code component} running {@code containers}, labelled with the version's spec hash. */
    public static Deployment deployment(Recommender r, Role role, String name, String component, ModelVersion v,
            List<Container> containers) {
        Map<String, String> labels = Labels.of(r, component, role);
        Map<String, String> podLabels = new LinkedHashMap<>(labels);
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
                .withNewMetadata().withLabels(podLabels).withAnnotations(scrapeAnnotations(r, component)).endMetadata()
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

    /**
     * The usual Prometheus scrape annotations on the recommender's pods (its request histograms, cache, fallback and
     * feature store counters at {@code /metrics}); null for TensorFlow Serving's, whose metrics need a monitoring
     * config of its own.
     */
    static Map<String, String> scrapeAnnotations(Recommender r, String component) {
        if (!Labels.RECOMMENDER.equals(component)) {
            return null;
        }
        Map<String, String> a = new LinkedHashMap<>();
        a.put("prometheus.io/scrape", "true");
        a.put("prometheus.io/port", Integer.toString(port(r)));
        a.put("prometheus.io/path", "/metrics");
        return a;
    }

    /** TensorFlow Serving serving the version's model: beside the recommender (one pod) or on its own (two pods). */
    public static Container tfServingContainer(Recommender r, ModelVersion v) {
        ServingSpec s = r.getSpec().serving();
        return new ContainerBuilder()
                .withName(TF_SERVING_CONTAINER)
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

    public static Probe httpProbe(String path, String port, int periodSeconds) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet()
                .withPeriodSeconds(periodSeconds).withTimeoutSeconds(2).build();
    }

    /** A ClusterIP Service selecting a role's pods of {@code component}. */
    public static Service service(Recommender r, String name, String component, Role role, int port, String target) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, component, role)).endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(Labels.selector(r, component, role))
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(target)).withProtocol("TCP")
                .endPort().endSpec()
                .build();
    }

    /** A version served in the two-pod topology: TensorFlow Serving has its own Deployment, Service and address. */
    public static boolean twoPod(ModelVersion v) {
        return v != null && v.topology() == Topology.TwoPod;
    }

    /** More than one pod at all times: a disruption budget then keeps voluntary evictions one at a time. */
    public static boolean needsDisruptionBudget(Recommender r) {
        ServingSpec.AutoscalingSpec a = autoscaling(r);
        return a != null ? (a.minReplicas() == null ? 1 : a.minReplicas()) > 1 : replicas(r) > 1;
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
