package io.recommender.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.ModelSource;
import io.recommender.api.v1alpha1.ArtifactSpec;
import io.recommender.api.v1alpha1.RecommenderStatus;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import io.recommender.operator.naming.Role;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import io.recommender.operator.decide.Plan;
import io.recommender.operator.training.TrainingJobs;
import java.time.Duration;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real API server with a controller-manager, a scheduler and kwok nodes: pods are
 * scheduled and become ready or complete, but do not run, so Job results are simulated.
 */
class RecommenderOperatorIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String PASS = "{\"schemaVersion\":1,\"requests\":1500,\"failures\":0,\"rps\":50.0,\"errorRate\":0.0,"
            + "\"latencyMs\":{\"p50\":2.0,\"p90\":3.0,\"p95\":3.5,\"p99\":4.0,\"max\":9.0,\"mean\":2.2},"
            + "\"verdict\":{\"passed\":true,\"reason\":\"p99 4.0 ms <= SLO 25.0 ms\"}}";
    static final String FAIL = PASS.replace("\"p99\":4.0", "\"p99\":41.0").replace("\"passed\":true", "\"passed\":false")
            .replace("p99 4.0 ms <= SLO 25.0 ms", "p99 41.0 ms > SLO 25.0 ms");

    OperatorHarness h;

    @BeforeEach
    void start() {
        h = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    Recommender create(Recommender r) {
        return h.create(r);
    }

    Recommender get(String name) {
        return h.get(name);
    }

    /** The gate Job's name, from the object as the server stored it (with defaults), and its simulated report. */
    void gateReports(String name, String report) {
        Recommender r = get(name);
        Plan plan = Plan.of(r);
        h.results.set(Names.gateJob(r, plan.identity(), plan.retryToken()), report);
    }

    <T extends io.fabric8.kubernetes.api.model.HasMetadata> T find(Class<T> type, String name) {
        return h.client.resources(type).inNamespace(h.namespace).withName(name).get();
    }

    String condition(String name, String type) {
        return h.condition(name, type);
    }

    @Test
    void artifactIsDeployedVerifiedAndPromoted() {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", PASS);

        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);

        Recommender r = get("movies");
        assertThat(r.getStatus().observedGeneration()).isEqualTo(r.getMetadata().getGeneration());
        assertThat(r.getStatus().stable().image()).isEqualTo(Fixtures.IMAGE);
        assertThat(r.getStatus().lastLoadTest().verdict()).isEqualTo("Passed");
        assertThat(condition("movies", ConditionTypes.READY)).isEqualTo("True/Serving");
        Deployment stable = find(Deployment.class, "movies");
        assertThat(stable.getSpec().getReplicas()).isEqualTo(2);
        assertThat(stable.getMetadata().getOwnerReferences()).anyMatch(o -> o.getKind().equals("Recommender"));
        assertThat(find(Service.class, "movies").getSpec().getSelector()).containsEntry(Labels.ROLE, "stable");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(Deployment.class, "movies-candidate")).isNull();
            assertThat(find(Service.class, "movies-candidate")).isNull();
            assertThat(h.client.batch().v1().jobs().inNamespace(h.namespace).list().getItems()).isEmpty();
        });
        assertThat(reasons()).contains("CandidateAvailable", "SloMet", "Serving");
    }

    @Test
    void idleRecommenderCausesNoWrites() throws InterruptedException {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready
                && find(Deployment.class, "movies-candidate") == null);
        Thread.sleep(2000);
        String recommender = get("movies").getMetadata().getResourceVersion();
        String deployment = find(Deployment.class, "movies").getMetadata().getResourceVersion();
        String service = find(Service.class, "movies").getMetadata().getResourceVersion();
        long events = operatorEvents();

        Thread.sleep(5000);
        assertThat(get("movies").getMetadata().getResourceVersion()).isEqualTo(recommender);
        assertThat(find(Deployment.class, "movies").getMetadata().getResourceVersion()).isEqualTo(deployment);
        assertThat(find(Service.class, "movies").getMetadata().getResourceVersion()).isEqualTo(service);
        assertThat(operatorEvents()).isEqualTo(events);
    }

    @Test
    void failedGateRemovesTheCandidateAndDoesNotRetry() throws InterruptedException {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", FAIL);

        await().atMost(WAIT).until(() -> "False/SloNotMet".equals(condition("movies", ConditionTypes.LATENCY_VERIFIED)));
        Recommender r = get("movies");
        assertThat(r.getStatus().phase()).isEqualTo(RecommenderStatus.Phase.Failed);
        assertThat(Conditions.find(r.getStatus().conditions(), ConditionTypes.LATENCY_VERIFIED).get().getMessage())
                .contains("p99 41.0 ms > SLO 25.0 ms");
        assertThat(condition("movies", ConditionTypes.DEGRADED)).isEqualTo("True/VersionRejected");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(Deployment.class, "movies-candidate")).isNull();
            assertThat(h.client.batch().v1().jobs().inNamespace(h.namespace).list().getItems()).isEmpty();
        });
        assertThat(h.client.v1().events().inNamespace(h.namespace).list().getItems())
                .anyMatch(e -> "Warning".equals(e.getType()) && "SloNotMet".equals(e.getReason()));

        Thread.sleep(4000);
        assertThat(h.client.batch().v1().jobs().inNamespace(h.namespace).list().getItems()).isEmpty();
        assertThat(find(Deployment.class, "movies-candidate")).isNull();

        // A new value of the retry annotation starts one new attempt.
        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies")
                .edit(x -> {
                    x.getMetadata().setAnnotations(Map.of(Plan.RETRY_ANNOTATION, "2026-11-27"));
                    return x;
                });
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
    }

    @Test
    void trainingOnAGpuNodeFeedsTheCandidate() {
        Recommender created = create(Fixtures.training("movies", Topology.OnePod, 1));
        String jobName = Names.trainingJob(created, Plan.of(created).trainingHash());
        h.results.set(jobName, Fixtures.packaged(20261127100000L));
        gateReports("movies", PASS);

        await().atMost(WAIT).until(() -> find(Job.class, jobName) != null);
        Job job = find(Job.class, jobName);
        assertThat(job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getResources().getLimits())
                .containsKey(TrainingJobs.GPU_RESOURCE);
        // The API server took the packaging step as built: pod failure policy, the push Secret mounted.
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).isNotEmpty();
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--repository", Fixtures.REPOSITORY);
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getSecret() != null && "push-secret".equals(v.getSecret().getSecretName()));

        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        Recommender r = get("movies");
        assertThat(r.getStatus().stable().modelVersion()).isEqualTo("20261127100000");
        assertThat(r.getStatus().stable().metrics().rmse()).isEqualTo(0.835);
        assertThat(condition("movies", ConditionTypes.TRAINED)).isEqualTo("True/Trained");
        assertThat(condition("movies", ConditionTypes.IMAGES_READY)).isEqualTo("True/Pushed");
        // Exactly the pushed digests serve, pulled with the registry's Secret.
        var pod = find(Deployment.class, "movies").getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(c -> c.getImage())
                .containsExactlyInAnyOrder(Fixtures.PUSHED_IMAGE, Fixtures.PUSHED_TF_IMAGE);
        assertThat(pod.getImagePullSecrets()).extracting(x -> x.getName()).containsExactly("push-secret");
        await().atMost(WAIT).until(() -> find(Job.class, jobName) == null);
    }

    @Test
    void restartedOperatorFindsTheRunningTrainingJob() {
        Recommender created = create(Fixtures.training("movies", Topology.OnePod, 0));
        String jobName = Names.trainingJob(created, Plan.of(created).trainingHash());
        // Stopped once the status says training runs: a stop before that write would rightly announce it again.
        await().atMost(WAIT).until(() -> find(Job.class, jobName) != null && get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Training);
        String uid = find(Job.class, jobName).getMetadata().getUid();

        h.stop();
        h.start();
        h.results.set(jobName, Fixtures.packaged(5));
        gateReports("movies", PASS);

        await().atMost(WAIT).until(() -> get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        List<Job> trainingJobs = h.client.batch().v1().jobs().inNamespace(h.namespace)
                .withLabel(Labels.COMPONENT, Labels.TRAINING).list().getItems();
        assertThat(trainingJobs).allMatch(j -> j.getMetadata().getUid().equals(uid));
        assertThat(reasons().stream().filter("TrainingInProgress"::equals).count()).isEqualTo(1);
    }

    @Test
    void deletingMidTrainingCleansUpEverything() {
        Recommender created = create(Fixtures.training("movies", Topology.TwoPod, 0));
        String jobName = Names.trainingJob(created, Plan.of(created).trainingHash());
        await().atMost(WAIT).until(() -> find(Job.class, jobName) != null
                && find(Service.class, "movies") != null);

        h.client.resource(get("movies")).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(Job.class, jobName)).isNull();
            assertThat(find(Service.class, "movies")).isNull();
            assertThat(h.client.pods().inNamespace(h.namespace).withLabel(Labels.INSTANCE, "movies").list().getItems())
                    .isEmpty();
            assertThat(h.client.serviceAccounts().inNamespace(h.namespace).withName("movies-serving").get()).isNull();
        });
    }

    @Test
    void topologySwitchesWithoutOrphans() {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);

        switchTopology(Topology.TwoPod);
        await().atMost(WAIT).until(() -> get("movies").getStatus().stable().topology() == Topology.TwoPod
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(Deployment.class, "movies-tfserving")).isNotNull();
            assertThat(find(Service.class, "movies-tfserving")).isNotNull();
            assertThat(find(ConfigMap.class, "movies-serving").getData().get("TF_SERVING_URL"))
                    .isEqualTo("http://movies-tfserving:8501");
            assertThat(find(Deployment.class, "movies").getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
            assertThat(find(Deployment.class, "movies-candidate")).isNull();
            assertThat(find(Deployment.class, "movies-candidate-tfserving")).isNull();
            assertThat(find(ConfigMap.class, "movies-candidate-serving")).isNull();
        });

        // The two-pod TensorFlow Serving goes only once no two-pod recommender pod is left to call it: what the
        // watch last saw of the stable Deployment when TensorFlow Serving's was deleted (the deletion comes later
        // in the same watch than any state the operator acted on).
        AtomicReference<Deployment> lastStable = new AtomicReference<>();
        AtomicReference<Deployment> stableWhenTfServingWent = new AtomicReference<>();
        Watch watch = h.client.apps().deployments().inNamespace(h.namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if ("movies".equals(d.getMetadata().getName())) {
                    lastStable.set(d);
                } else if ("movies-tfserving".equals(d.getMetadata().getName()) && action == Action.DELETED) {
                    stableWhenTfServingWent.compareAndSet(null, lastStable.get());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        switchTopology(Topology.OnePod);
        await().atMost(WAIT).until(() -> get("movies").getStatus().stable().topology() == Topology.OnePod
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        await().atMost(WAIT).until(() -> stableWhenTfServingWent.get() != null);
        watch.close();
        Deployment rolled = stableWhenTfServingWent.get();
        assertThat(rolled.getSpec().getTemplate().getSpec().getContainers()).hasSize(2);
        assertThat(rolled.getStatus().getObservedGeneration()).isEqualTo(rolled.getMetadata().getGeneration());
        assertThat(rolled.getStatus().getReplicas()).isEqualTo(rolled.getStatus().getUpdatedReplicas())
                .isEqualTo(rolled.getSpec().getReplicas());
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(Deployment.class, "movies-tfserving")).isNull();
            assertThat(find(Service.class, "movies-tfserving")).isNull();
            assertThat(find(ConfigMap.class, "movies-serving")).isNull();
            assertThat(find(Deployment.class, "movies").getSpec().getTemplate().getSpec().getContainers()).hasSize(2);
        });
        // Back to the first spec: the version promoted under it serves again at once, without another candidate.
        assertThat(reasons().stream().filter("CandidateAvailable"::equals).count()).isEqualTo(2);
        assertThat(condition("movies", ConditionTypes.LATENCY_VERIFIED)).isEqualTo("True/VerifiedBefore");
        assertThat(get("movies").getStatus().history()).singleElement()
                .satisfies(v -> assertThat(v.topology()).isEqualTo(Topology.TwoPod));
    }

    @Test
    void aPinnedVersionServesAtOnceAndRemovingThePinBringsTheNewestBack() {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        String first = get("movies").getStatus().stable().modelVersion();
        model(NEWER_IMAGE, null);
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> NEWER_IMAGE.equals(get("movies").getStatus().stable().image())
                && find(Deployment.class, "movies-candidate") == null);
        String newest = get("movies").getStatus().stable().modelVersion();

        model(NEWER_IMAGE, first);
        await().atMost(WAIT).until(() -> "True/PinnedVersionServing".equals(condition("movies", ConditionTypes.PINNED)));
        assertThat(get("movies").getStatus().stable().modelVersion()).isEqualTo(first);
        await().atMost(WAIT).until(() -> Fixtures.IMAGE.equals(find(Deployment.class, "movies").getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()));
        assertThat(find(Deployment.class, "movies-candidate")).isNull();

        model(NEWER_IMAGE, "no-such-version");
        await().atMost(WAIT).until(() -> "False/PinNotServed".equals(condition("movies", ConditionTypes.PINNED)));
        assertThat(condition("movies", ConditionTypes.DEGRADED)).isEqualTo("True/PinNotServed");
        assertThat(get("movies").getStatus().stable().modelVersion()).isEqualTo(first);

        model(NEWER_IMAGE, null);
        await().atMost(WAIT).until(() -> newest.equals(get("movies").getStatus().stable().modelVersion()));
        await().atMost(WAIT).until(() -> NEWER_IMAGE.equals(find(Deployment.class, "movies").getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()));
        assertThat(condition("movies", ConditionTypes.PINNED)).isNull();
        // Two versions, each rolled out as a candidate once; the pin and its removal made no candidate.
        assertThat(reasons().stream().filter("CandidateAvailable"::equals).count()).isEqualTo(2);
        assertThat(reasons()).contains("PinnedVersionServing", "PinNotServed", "VerifiedBefore");
    }

    static final String NEWER_IMAGE = "registry.example.com/recs/movies@sha256:" + "e".repeat(64);

    void model(String image, String pin) {
        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies").edit(x -> {
            RecommenderSpec s = x.getSpec();
            var a = s.model().artifact();
            x.setSpec(new RecommenderSpec(new ModelSource(null, new ArtifactSpec(image, a.tfServingImage(),
                    a.modelName()), pin), s.features(), s.topology(), s.serving(), s.slo(), s.registry()));
            return x;
        });
    }

    @Test
    void observedGenerationFollowsSpecEdits() {
        create(Fixtures.artifact("movies", Topology.OnePod));
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);

        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies").edit(x -> {
            RecommenderSpec s = x.getSpec();
            x.setSpec(new RecommenderSpec(s.model(), s.features(), s.topology(), s.serving(), Fixtures.slo(40), s.registry()));
            return x;
        });
        await().atMost(WAIT).until(() -> get("movies").getMetadata().getGeneration() == 2
                && Long.valueOf(2).equals(get("movies").getStatus().observedGeneration()));
        assertThat(get("movies").getStatus().phase()).isEqualTo(RecommenderStatus.Phase.Ready);
    }

    /** Issue #16: in two pods the stable model server scales with the recommender and keeps pods through drains. */
    @Test
    void twoPodTensorFlowServingGetsItsOwnAutoscalerAndDisruptionBudget() {
        RecommenderSpec s = Fixtures.artifact("movies", Topology.TwoPod).getSpec();
        create(Fixtures.recommender("movies", new RecommenderSpec(s.model(), null, Topology.TwoPod,
                new ServingSpec(null, new ServingSpec.AutoscalingSpec(2, 5, 60), null, null, null, null, 8080), s.slo(),
                null)));
        gateReports("movies", PASS);
        await().atMost(WAIT).until(() -> get("movies").getStatus() != null
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        await().atMost(WAIT).untilAsserted(() -> {
            HorizontalPodAutoscaler hpa = find(HorizontalPodAutoscaler.class, "movies-tfserving");
            assertThat(hpa).isNotNull();
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("movies-tfserving");
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
            assertThat(find(HorizontalPodAutoscaler.class, "movies")).isNotNull();
            PodDisruptionBudget pdb = find(PodDisruptionBudget.class, "movies-tfserving");
            assertThat(pdb).isNotNull();
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(find(Deployment.class, "movies-tfserving").getSpec().getSelector().getMatchLabels());
            assertThat(find(PodDisruptionBudget.class, "movies")).isNotNull();
            assertThat(hpa.getMetadata().getOwnerReferences()).anyMatch(o -> o.getKind().equals("Recommender"));
        });

        switchTopology(Topology.OnePod);
        await().atMost(WAIT).until(() -> get("movies").getStatus().stable().topology() == Topology.OnePod
                && get("movies").getStatus().phase() == RecommenderStatus.Phase.Ready);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(find(HorizontalPodAutoscaler.class, "movies-tfserving")).isNull();
            assertThat(find(PodDisruptionBudget.class, "movies-tfserving")).isNull();
            assertThat(find(HorizontalPodAutoscaler.class, "movies")).isNotNull();
        });
    }

    void switchTopology(Topology t) {
        h.client.resources(Recommender.class).inNamespace(h.namespace).withName("movies").edit(x -> {
            RecommenderSpec s = x.getSpec();
            x.setSpec(new RecommenderSpec(s.model(), s.features(), t, s.serving(), s.slo(), s.registry()));
            return x;
        });
        gateReports("movies", PASS);
    }

    /** Events the operator recorded (the namespace also holds the controllers' own). */
    long operatorEvents() {
        return h.client.v1().events().inNamespace(h.namespace).list().getItems().stream()
                .filter(e -> "recommender-operator".equals(e.getReportingComponent())).count();
    }

    List<String> reasons() {
        return h.client.v1().events().inNamespace(h.namespace).list().getItems().stream().map(Event::getReason).toList();
    }
}
