package io.recommender.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Role;
import io.recommender.operator.serving.ServingObjects;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The serving objects' desired state, as each owned object's file builds it. */
class ServingObjectsTest {
    static ModelVersion version(Topology t) {
        return new ModelVersion("7", 1L, "abc123", null, t, "movies", Fixtures.IMAGE, Fixtures.TF_IMAGE, null, null);
    }

    @Test
    void onePodRunsBothContainersAndTalksToTfServingOnLocalhost() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Deployment d = RecommenderDeployment.desired(r, Role.STABLE, version(Topology.OnePod));

        assertThat(d.getMetadata().getName()).isEqualTo("movies");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName)
                .containsExactly("recommender", "tfserving");
        Container rec = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(rec.getImage()).isEqualTo(Fixtures.IMAGE);
        assertThat(rec.getEnv()).contains(new EnvVar("TF_SERVING_URL", "http://localhost:8501", null),
                new EnvVar("TF_SERVING_MODEL_NAME", "movies", null));
        Container tfs = d.getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(tfs.getImage()).isEqualTo(Fixtures.TF_IMAGE);
        assertThat(tfs.getArgs()).contains("--model_name=movies", "--model_base_path=/models/movies");
        // The model server outlives the recommender's drain: it stops only after a preStop sleep.
        assertThat(tfs.getLifecycle().getPreStop().getSleep().getSeconds())
                .isGreaterThan(10L).isEqualTo(ServingObjects.TF_SERVING_STOP_DELAY_SECONDS);
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.SPEC_HASH, "abc123")
                .containsEntry(Labels.ROLE, "stable");
        assertThat(d.getSpec().getSelector().getMatchLabels()).doesNotContainKey(Labels.SPEC_HASH);
    }

    @Test
    void twoPodReadsTheTfServingAddressFromItsConfigMap() {
        Recommender r = Fixtures.artifact("movies", Topology.TwoPod);
        Deployment d = RecommenderDeployment.desired(r, Role.CANDIDATE, version(Topology.TwoPod));
        assertThat(d.getMetadata().getName()).isEqualTo("movies-candidate");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        EnvVar url = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("TF_SERVING_URL")).findFirst().orElseThrow();
        assertThat(url.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("movies-candidate-serving");
        assertThat(ServingConfig.desired(r, Role.CANDIDATE).getData())
                .containsEntry("TF_SERVING_URL", "http://movies-candidate-tfserving:8501");
        assertThat(TfServingService.desired(r, Role.CANDIDATE).getSpec().getSelector())
                .containsEntry(Labels.COMPONENT, "tfserving").containsEntry(Labels.ROLE, "candidate");
        assertThat(TfServingDeployment.desired(r, Role.CANDIDATE, version(Topology.TwoPod)).getMetadata().getName())
                .isEqualTo("movies-candidate-tfserving");
    }

    @Test
    void recommenderPodsCarryThePrometheusScrapeAnnotationsAndTensorFlowServingsDoNot() {
        Recommender r = Fixtures.artifact("movies", Topology.TwoPod);
        Deployment d = RecommenderDeployment.desired(r, Role.STABLE, version(Topology.TwoPod));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(ServingObjects.port(r)))
                .containsEntry("prometheus.io/path", "/metrics");
        assertThat(TfServingDeployment.desired(r, Role.STABLE, version(Topology.TwoPod)).getSpec().getTemplate()
                .getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void everyContainerIsNonRootWithAReadOnlyRootFilesystem() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        Deployment d = RecommenderDeployment.desired(r, Role.STABLE, version(Topology.OnePod));
        assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
        }
    }

    @Test
    void servicesSelectTheirRoleAndAutoscalingLeavesReplicasToTheAutoscaler() {
        Recommender r = Fixtures.artifact("movies", Topology.OnePod);
        assertThat(RecommenderService.desired(r, Role.STABLE).getSpec().getSelector())
                .isEqualTo(Map.of(Labels.INSTANCE, "movies", Labels.COMPONENT, "recommender", Labels.ROLE, "stable"));
        assertThat(RecommenderService.desired(r, Role.STABLE).getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
        assertThat(ServingObjects.needsDisruptionBudget(r)).isTrue();

        RecommenderSpec s = r.getSpec();
        Recommender auto = Fixtures.recommender("auto", new RecommenderSpec(s.model(), null, Topology.OnePod,
                new ServingSpec(null, new ServingSpec.AutoscalingSpec(3, 9, 60), null, null, null, null, 9090), s.slo(), null));
        assertThat(RecommenderDeployment.desired(auto, Role.STABLE, version(Topology.OnePod)).getSpec().getReplicas())
                .isNull();
        assertThat(RecommenderDeployment.desired(auto, Role.CANDIDATE, version(Topology.OnePod)).getSpec()
                .getReplicas()).isEqualTo(3);
        var hpa = Autoscaler.desired(auto);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        assertThat(RecommenderService.desired(auto, Role.STABLE).getSpec().getPorts().get(0).getPort()).isEqualTo(9090);

        Recommender single = Fixtures.recommender("one", new RecommenderSpec(s.model(), null, Topology.OnePod, null,
                s.slo(), null));
        assertThat(ServingObjects.needsDisruptionBudget(single)).isFalse();
        assertThat(ServingObjects.replicas(single)).isEqualTo(1);
    }

    /** Issue #16: the stable model server scales with the recommender, and the candidate is gated in that shape. */
    @Test
    void twoPodTensorFlowServingScalesWithTheRecommenderAndKeepsAPodThroughDrains() {
        RecommenderSpec s = Fixtures.artifact("movies", Topology.TwoPod).getSpec();
        Recommender auto = Fixtures.recommender("auto", new RecommenderSpec(s.model(), null, Topology.TwoPod,
                new ServingSpec(null, new ServingSpec.AutoscalingSpec(3, 9, 60), null, null, null, null, 8080), s.slo(),
                null));
        ModelVersion twoPod = version(Topology.TwoPod);
        Plan both = Plan.of(auto).with(new RecommenderStatus(1L, null, null, twoPod,
                new ModelVersion("8", 1L, Plan.of(auto).versionHash(), null, Topology.TwoPod, "movies", Fixtures.IMAGE,
                        Fixtures.TF_IMAGE, null, null), null, null, null, null));

        var hpa = TfServingAutoscaler.desired(auto);
        assertThat(hpa.getMetadata().getName()).isEqualTo("auto-tfserving");
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(TfServingDeployment.desired(auto, Role.STABLE, twoPod).getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(60);
        assertThat(hpa.getMetadata().getLabels()).containsEntry(Labels.COMPONENT, Labels.TF_SERVING);
        // The autoscaler owns the stable replicas; the candidate runs the minimum of both, as the stable starts.
        assertThat(TfServingDeployment.desired(auto, Role.STABLE, twoPod).getSpec().getReplicas()).isNull();
        assertThat(TfServingDeployment.desired(auto, Role.CANDIDATE, twoPod).getSpec().getReplicas()).isEqualTo(3);
        assertThat(RecommenderDeployment.desired(auto, Role.CANDIDATE, twoPod).getSpec().getReplicas()).isEqualTo(3);

        var pdb = TfServingDisruptionBudget.desired(auto);
        assertThat(pdb.getMetadata().getName()).isEqualTo("auto-tfserving");
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(TfServingDeployment.desired(auto, Role.STABLE, twoPod).getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        assertThat(new TfServingAutoscaler().needed(auto, both)).isTrue();
        assertThat(new TfServingDisruptionBudget().needed(auto, both)).isTrue();
        assertThat(new Autoscaler().needed(auto, both)).isTrue();
        // One pod: TensorFlow Serving is a container of the recommender's pods, scaled and protected with them.
        Plan onePod = Plan.of(auto).with(new RecommenderStatus(1L, null, null, version(Topology.OnePod), null, null,
                null, null, null));
        assertThat(new TfServingAutoscaler().needed(auto, onePod)).isFalse();
        assertThat(new TfServingDisruptionBudget().needed(auto, onePod)).isFalse();
        // Nothing stable yet: nothing to scale.
        Plan none = Plan.of(auto);
        assertThat(new TfServingAutoscaler().needed(auto, none)).isFalse();
        // Fixed size: two replicas of each get a budget, one gets none; no autoscaler either way.
        Recommender two = Fixtures.artifact("movies", Topology.TwoPod);
        Plan twoStable = Plan.of(two).with(new RecommenderStatus(1L, null, null, twoPod, null, null, null, null, null));
        assertThat(new TfServingDisruptionBudget().needed(two, twoStable)).isTrue();
        assertThat(new TfServingAutoscaler().needed(two, twoStable)).isFalse();
        assertThat(TfServingDeployment.desired(two, Role.STABLE, twoPod).getSpec().getReplicas()).isEqualTo(2);
        Recommender one = Fixtures.recommender("one", new RecommenderSpec(s.model(), null, Topology.TwoPod, null,
                s.slo(), null));
        assertThat(new TfServingDisruptionBudget().needed(one,
                Plan.of(one).with(new RecommenderStatus(1L, null, null, twoPod, null, null, null, null, null)))).isFalse();
    }
}
