package io.recommender.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.recommender.api.v1alpha1.ComputeResources;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.act.RecommenderDeployment;
import io.recommender.operator.act.TfServingDeployment;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Role;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.training.TrainingJobs;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Defaults never contradict what the user wrote, so Kubernetes never refuses a request above its limit. */
class ResourcesTest {
    static final Map<String, String> REQUESTS = Map.of("cpu", "250m", "memory", "512Mi");
    static final Map<String, String> LIMITS = Map.of("memory", "1Gi");

    static ResourceRequirements of(ComputeResources.Quantities requests, ComputeResources.Quantities limits) {
        return Resources.of(new ComputeResources(requests, limits), REQUESTS, LIMITS);
    }

    @Test
    void nothingGivenTakesTheDefaults() {
        ResourceRequirements r = Resources.of(null, REQUESTS, LIMITS);
        assertThat(r.getRequests()).containsEntry("cpu", new Quantity("250m")).containsEntry("memory", new Quantity("512Mi"));
        assertThat(r.getLimits()).containsOnlyKeys("memory").containsEntry("memory", new Quantity("1Gi"));
    }

    @Test
    void aRequestAboveTheDefaultLimitBecomesTheLimit() {
        ResourceRequirements r = of(new ComputeResources.Quantities(null, "2Gi"), null);
        assertThat(r.getRequests()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(r.getLimits()).containsEntry("memory", new Quantity("2Gi"));
    }

    @Test
    void aLimitBelowTheDefaultRequestBecomesTheRequest() {
        ResourceRequirements r = of(null, new ComputeResources.Quantities("100m", "256Mi"));
        assertThat(r.getRequests()).containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("256Mi"));
        assertThat(r.getLimits()).containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("256Mi"));
    }

    @Test
    void givenValuesWithinTheDefaultsStayAsGiven() {
        ResourceRequirements r = of(new ComputeResources.Quantities("100m", "600Mi"), new ComputeResources.Quantities("2", null));
        assertThat(r.getRequests()).containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("600Mi"));
        assertThat(r.getLimits()).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("1Gi"));
    }

    /** The corpus of specs the API server accepts but Kubernetes refused before: now every container is runnable. */
    @ParameterizedTest
    @ValueSource(strings = {"serving-cpu-limit-below-default-request", "serving-memory-request-above-default-limit",
            "tf-serving-memory-limit-below-default-request", "training-cpu-limit-below-default-request",
            "training-memory-request-above-default-limit"})
    void everyCorpusSpecBuildsContainersWhoseRequestsAreWithinTheirLimits(String file) throws Exception {
        Recommender r;
        try (InputStream in = getClass().getResourceAsStream("/crd-corpus/operator/" + file + ".yaml")) {
            r = Serialization.unmarshal(in, Recommender.class);
        }
        r.getMetadata().setNamespace("shop");
        r.getMetadata().setUid("uid-1");
        List<PodSpec> pods = new ArrayList<>();
        if (r.getSpec().model().training() != null) {
            pods.add(TrainingJobs.job(r, Plan.of(r), new OperatorConfig("trainer:1", "loadtest:1"),
                    new PushTarget(Fixtures.REPOSITORY, "push-secret", false)).getSpec().getTemplate().getSpec());
        } else {
            ModelVersion v = new ModelVersion("7", 1L, Plan.of(r).versionHash(), null, Topology.TwoPod, "movies",
                    Fixtures.IMAGE, Fixtures.TF_IMAGE, null, null);
            pods.add(RecommenderDeployment.desired(r, Role.STABLE, v).getSpec().getTemplate().getSpec());
            pods.add(TfServingDeployment.desired(r, Role.STABLE, v).getSpec().getTemplate().getSpec());
        }
        for (PodSpec pod : pods) {
            List<Container> containers = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
            for (Container c : containers) {
                Map<String, Quantity> requests = c.getResources().getRequests();
                Map<String, Quantity> limits = c.getResources().getLimits();
                limits.forEach((k, limit) -> {
                    if (requests.containsKey(k)) {
                        assertThat(requests.get(k).getNumericalAmount()).as(file + " " + c.getName() + " " + k)
                                .isLessThanOrEqualTo(limit.getNumericalAmount());
                    }
                });
            }
        }
    }
}
