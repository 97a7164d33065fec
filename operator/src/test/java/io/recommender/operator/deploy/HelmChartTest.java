package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.recommender.testsupport.Helm;
import io.recommender.testsupport.Kubectl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * charts/recommender-operator, rendered by a real helm (built from its Go module): lint, the same objects as
 * operator/deploy with the default values, each value where it belongs, and values that make no sense refused with
 * a message before anything is installed.
 */
class HelmChartTest {
    static final String CHART = "charts/recommender-operator";
    static final ObjectMapper JSON = new ObjectMapper();
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** What Helm adds that operator/deploy has not: its labels, and the CRD kept on uninstall. */
    static final List<String> HELM_LABELS = List.of("helm.sh/chart", "app.kubernetes.io/managed-by",
            "app.kubernetes.io/instance", "app.kubernetes.io/version");

    final Helm helm = new Helm(null);

    List<HasMetadata> template(String... values) {
        List<String> args = new ArrayList<>(List.of("template", "recommender-operator", CHART, "--namespace",
                DeployManifestsTest.NAMESPACE));
        for (String v : values) {
            args.addAll(List.of("--set", v));
        }
        return Kubectl.parse(helm.ok(args.toArray(String[]::new)));
    }

    static Deployment deployment(List<HasMetadata> objects) {
        return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                .orElseThrow();
    }

    static Map<String, String> env(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    /** Each object as JSON, keyed by kind/namespace/name, without what Helm adds. */
    static Map<String, JsonNode> byKey(List<HasMetadata> objects) {
        Map<String, JsonNode> map = new TreeMap<>();
        for (HasMetadata o : objects) {
            ObjectNode json = (ObjectNode) SERIALIZATION.convertValue(o, JsonNode.class);
            ObjectNode metadata = (ObjectNode) json.get("metadata");
            if (metadata.get("labels") instanceof ObjectNode labels) {
                HELM_LABELS.forEach(labels::remove);
            }
            if (metadata.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove("helm.sh/resource-policy");
                if (annotations.isEmpty()) {
                    metadata.remove("annotations");
                }
            }
            map.put(o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), json);
        }
        return map;
    }

    @Test
    void lintsClean() {
        Kubectl.Result r = helm.run("lint", "--strict", CHART);
        assertThat(r.exit()).as(r.describe()).isZero();
        assertThat(r.out()).contains("0 chart(s) failed");
    }

    @Test
    void defaultValuesRenderWhatOperatorDeployInstallsButTheNamespace() {
        Map<String, JsonNode> chart = byKey(template());
        Map<String, JsonNode> kustomize = byKey(Kubectl.ofProject(null).kustomize(DeployManifestsTest.DEPLOY));
        // Helm installs into a namespace it is given (--create-namespace); NOTES.txt says how to label it.
        assertThat(kustomize.remove("Namespace/null/recommender-system")).isNotNull();
        assertThat(chart.keySet()).isEqualTo(kustomize.keySet());
        for (String key : kustomize.keySet()) {
            assertThat(chart.get(key)).as(key).isEqualTo(kustomize.get(key));
        }
    }

    @Test
    void valuesGoWhereTheyBelong() {
        String digest = "sha256:" + "ab".repeat(32);
        List<HasMetadata> objects = template("image.repository=registry.example.com/team/recommender-operator",
                "image.digest=" + digest, "replicas=3", "watchNamespaces={shop,books}",
                "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/op",
                "eks.cluster=recommenders", "eks.region=eu-west-1",
                "defaultImages.runtime=registry.example.com/team/recommender-runtime@" + digest,
                "imagePullSecrets[0].name=pull", "metrics.podMonitor.enabled=true",
                "metrics.recommenderPodMonitor.enabled=true", "crds.install=false");
        Deployment d = deployment(objects);
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/team/recommender-operator@" + digest);
        assertThat(d.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting("name").containsExactly("pull");
        assertThat(env(d)).containsEntry("WATCH_NAMESPACES", "shop,books")
                .containsEntry("RECOMMENDER_EKS_CLUSTER", "recommenders")
                .containsEntry("RECOMMENDER_EKS_REGION", "eu-west-1")
                .containsEntry("RECOMMENDER_RUNTIME_IMAGE", "registry.example.com/team/recommender-runtime@" + digest);
        assertThat(objects).filteredOn(o -> o.getKind().equals("ServiceAccount")).singleElement()
                .extracting(o -> o.getMetadata().getAnnotations())
                .isEqualTo(Map.of("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/op"));
        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("CustomResourceDefinition")
                .filteredOn("PodMonitor"::equals).hasSize(2);
        // The digest wins over the tag; without the keep policy the CRD goes with the release.
        assertThat(deployment(template("image.digest=" + digest)).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage()).isEqualTo("ghcr.io/recommender-operator/operator@" + digest);
        assertThat(template("crds.keep=false")).filteredOn(o -> o.getKind().equals("CustomResourceDefinition"))
                .singleElement().satisfies(crd -> assertThat(crd.getMetadata().getAnnotations() == null ? Map.of()
                        : crd.getMetadata().getAnnotations()).doesNotContainKey("helm.sh/resource-policy"));
        assertThat(template()).filteredOn(o -> o.getKind().equals("CustomResourceDefinition")).singleElement()
                .satisfies(crd -> assertThat(crd.getMetadata().getAnnotations())
                        .containsEntry("helm.sh/resource-policy", "keep"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "replicas=0 | replicas: 0 runs no operator; give 1 or more",
        "replicas=-1 | replicas: -1 runs no operator",
        "image.tag= | image: give image.digest (sha256:..., as scripts/publish.sh writes it) or image.tag",
        "image.digest=latest | image.digest \"latest\" is not a digest",
        "defaultImages.training=registry.example.com/training | defaultImages.training \"registry.example.com/training\": give an image with a tag or a digest",
        "watchNamespaces[0]=Shop_1 | 'Shop_1' does not match pattern",
        "replicas=two | at '/replicas': got string, want integer",
    })
    void senselessValuesAreRefusedWithTheReason(String value, String message) {
        Kubectl.Result r = helm.run("template", "recommender-operator", CHART, "--set", value);
        assertThat(r.exit()).as(r.describe()).isNotZero();
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isBlank();
    }
}
