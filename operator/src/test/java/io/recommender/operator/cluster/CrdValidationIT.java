package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.testsupport.ControlPlane;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real API server rejects bad Recommenders with the schema and CEL rules of the committed CRD. */
class CrdValidationIT {
    static final String NAMESPACE = "crd-validation";
    static final String VALID = """
            apiVersion: recommender.io/v1alpha1
            kind: Recommender
            metadata:
              name: movies
            spec:
              model:
                artifact:
                  image: registry.example.com/recs/movies:1
                  tfServingImage: registry.example.com/recs/movies-tfserving:1
              slo:
                latency:
                - percentile: 99
                  maxMs: 25
            """;
    static KubernetesClient client;

    @BeforeAll
    static void installCrd() {
        client = ControlPlane.clientWithCrd(NAMESPACE);
    }

    @AfterAll
    static void close() {
        client.resources(Recommender.class).inNamespace(NAMESPACE).delete();
        client.close();
    }

    static Stream<Arguments> invalidSpecs() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(invalid("both training and artifact", s -> put(s, "model.training", Map.of("dataset", "bundled:ml-latest-small")),
                "set exactly one of model.training and model.artifact"));
        cases.add(invalid("neither training nor artifact", s -> remove(s, "model.artifact"),
                "set exactly one of model.training and model.artifact"));
        cases.add(invalid("negative replicas", s -> put(s, "serving.replicas", -1), "spec.serving.replicas"));
        cases.add(invalid("replicas of the wrong type", s -> put(s, "serving.replicas", "two"), "spec.serving.replicas"));
        cases.add(invalid("unknown topology", s -> put(s, "topology", "ThreePod"), "spec.topology"));
        cases.add(invalid("percentile below range", s -> put(s, "slo.latency", List.of(target(42, 25))),
                "spec.slo.latency[0].percentile"));
        cases.add(invalid("percentile the load test does not report", s -> put(s, "slo.latency", List.of(target(97, 25))),
                "percentile must be one of 50, 90, 95, 99"));
        cases.add(invalid("percentile above range", s -> put(s, "slo.latency", List.of(target(100, 25))),
                "spec.slo.latency[0].percentile"));
        cases.add(invalid("zero latency target", s -> put(s, "slo.latency", List.of(target(99, 0))),
                "spec.slo.latency[0].maxMs"));
        cases.add(invalid("duplicate percentiles", s -> put(s, "slo.latency", List.of(target(99, 25), target(99, 30))),
                "each latency percentile may appear once"));
        cases.add(invalid("no latency target", s -> put(s, "slo.latency", List.of()), "spec.slo.latency"));
        cases.add(invalid("missing slo", s -> remove(s, "slo"), "spec.slo: Required value"));
        cases.add(invalid("error rate above 1", s -> put(s, "slo.maxErrorRate", 1.5), "spec.slo.maxErrorRate"));
        cases.add(invalid("malformed duration", s -> put(s, "slo.duration", "30 seconds"), "spec.slo.duration"));
        cases.add(invalid("malformed cpu quantity", s -> put(s, "serving.resources", Map.of("requests", Map.of("cpu", "2 cores"))),
                "spec.serving.resources.requests.cpu"));
        cases.add(invalid("malformed memory limit", s -> put(s, "serving.tfServingResources", Map.of("limits", Map.of("memory", "lots"))),
                "spec.serving.tfServingResources.limits.memory"));
        cases.add(invalid("replicas and autoscaling", s -> {
            put(s, "serving.replicas", 2);
            put(s, "serving.autoscaling", Map.of("maxReplicas", 4));
        }, "set serving.replicas or serving.autoscaling, not both"));
        cases.add(invalid("autoscaling minimum above maximum", s -> put(s, "serving.autoscaling",
                Map.of("minReplicas", 5, "maxReplicas", 2)), "must not exceed autoscaling.maxReplicas"));
        cases.add(invalid("port out of range", s -> put(s, "serving.port", 70000), "spec.serving.port"));
        cases.add(invalid("training without a registry", s -> {
            remove(s, "model.artifact");
            put(s, "model.training", Map.of("dataset", "bundled:ml-latest-small"));
        }, "model.training needs registry"));
        cases.add(invalid("registry with both ECR and OCI", s -> put(s, "registry", Map.of(
                "ecr", Map.of("repository", "recs/movies", "region", "eu-west-1"),
                "oci", Map.of("repository", "registry.example.com/recs"))), "set exactly one of registry.ecr and registry.oci"));
        cases.add(invalid("malformed AWS region", s -> put(s, "registry", Map.of(
                "ecr", Map.of("repository", "recs/movies", "region", "mars-1"))), "spec.registry.ecr.region"));
        cases.add(invalid("malformed image reference", s -> put(s, "model.artifact.image", "Not An Image"),
                "spec.model.artifact.image"));
        cases.add(invalid("artifact without TF Serving image", s -> remove(s, "model.artifact.tfServingImage"),
                "spec.model.artifact.tfServingImage: Required value"));
        cases.add(invalid("zero epochs", s -> {
            remove(s, "model.artifact");
            put(s, "model.training", Map.of("dataset", "bundled:ml-latest-small", "epochs", 0));
            put(s, "registry", Map.of("oci", Map.of("repository", "registry.example.com/recs")));
        }, "spec.model.training.epochs"));
        cases.add(invalid("unsupported dataset scheme", s -> {
            remove(s, "model.artifact");
            put(s, "model.training", Map.of("dataset", "ftp://example.com/ml"));
            put(s, "registry", Map.of("oci", Map.of("repository", "registry.example.com/recs")));
        }, "spec.model.training.dataset"));
        cases.add(invalid("too many GPUs", s -> {
            remove(s, "model.artifact");
            put(s, "model.training", Map.of("dataset", "bundled:ml-latest-small", "gpus", 17));
            put(s, "registry", Map.of("oci", Map.of("repository", "registry.example.com/recs")));
        }, "spec.model.training.gpus"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void apiServerRejectsWithAMessageNamingTheField(String name, GenericKubernetesResource bad, String expected) {
        assertThatThrownBy(() -> client.genericKubernetesResources("recommender.io/v1alpha1", "Recommender")
                .inNamespace(NAMESPACE).resource(bad).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(expected);
    }

    @Test
    void nameLongerThanFortyCharactersIsRejected() {
        GenericKubernetesResource r = base();
        r.getMetadata().setName("a".repeat(41));
        assertThatThrownBy(() -> client.genericKubernetesResources("recommender.io/v1alpha1", "Recommender")
                .inNamespace(NAMESPACE).resource(r).create())
                .hasMessageContaining("metadata.name must be at most 40 characters");
    }

    @Test
    void validSpecIsAcceptedAndDefaultsAreFilledByTheServer() {
        GenericKubernetesResource created = client.genericKubernetesResources("recommender.io/v1alpha1", "Recommender")
                .inNamespace(NAMESPACE).resource(base()).serverSideApply();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) created.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("topology", "OnePod");
        assertThat(get(spec, "slo.maxErrorRate")).isEqualTo(0.01);
        assertThat(get(spec, "slo.duration")).isEqualTo("30s");
        assertThat(get(spec, "model.artifact.modelName")).isEqualTo("recommender");
    }

    static Arguments invalid(String name, Consumer<Map<String, Object>> mutation, String expected) {
        GenericKubernetesResource r = base();
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
        mutation.accept(spec);
        return Arguments.of(name, r, expected);
    }

    static GenericKubernetesResource base() {
        return Serialization.unmarshal(VALID, GenericKubernetesResource.class);
    }

    static Map<String, Object> target(double percentile, double maxMs) {
        return Map.of("percentile", percentile, "maxMs", maxMs);
    }

    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        m.put(parts[parts.length - 1], value);
    }

    @SuppressWarnings("unchecked")
    static void remove(Map<String, Object> root, String path) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.get(parts[i]);
        }
        m.remove(parts[parts.length - 1]);
    }

    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> root, String path) {
        Object o = root;
        for (String p : path.split("\\.")) {
            o = ((Map<String, Object>) o).get(p);
        }
        return o;
    }
}
