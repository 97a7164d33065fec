package io.recommender.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.api.v1alpha1.ServingSpec;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.naming.SpecHashes;
import io.recommender.operator.registry.PushTarget;
import io.recommender.operator.decide.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingJobsTest {
    static final OperatorConfig CONFIG = new OperatorConfig("trainer:1", "loadtest:1", "mirror.example.com/runtime:1",
            "mirror.example.com/tensorflow-serving:2", null, null, "trainer:1-gpu");
    static final PushTarget TARGET = new PushTarget(Fixtures.REPOSITORY, "push-secret", false);

    static Container train(Job job) {
        return job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    }

    /** The Job as the workflow builds it: named from the Recommender's plan. */
    static Job job(Recommender r, PushTarget target) {
        return TrainingJobs.job(r, Plan.of(r), CONFIG, target);
    }

    static Container pack(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void cpuJobTrainsWithTheSpecsSettingsBeforePackaging() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        Job job = job(r, TARGET);

        assertThat(job.getMetadata().getName()).isEqualTo("movies-train-" + Plan.of(r).trainingHash());
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isPositive();
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
        Container c = train(job);
        assertThat(c.getName()).isEqualTo(TrainingJobs.TRAIN);
        assertThat(c.getImage()).isEqualTo("trainer:1");
        assertThat(c.getArgs()).containsSequence("--data", "bundled:ml-latest-small").containsSequence("--epochs", "5")
                .containsSequence("--device", "cpu").containsSequence("--out", "/work/bundle");
        assertThat(c.getResources().getLimits()).doesNotContainKey(TrainingJobs.GPU_RESOURCE);
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void learningFromLiveEventsReadsTheFeatureStoresStreamWithThePasswordFromItsSecret() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        var s = r.getSpec();
        var t = s.model().training();
        Recommender live = Fixtures.recommender("movies", new io.recommender.api.v1alpha1.RecommenderSpec(
                new io.recommender.api.v1alpha1.ModelSource(new io.recommender.api.v1alpha1.TrainingSpec(t.dataset(),
                        t.epochs(), t.embeddingSize(), t.seed(), t.gpus(), null, null, null, null, "0 3 * * 1", null,
                        "Always", true), null),
                new io.recommender.api.v1alpha1.FeaturesSpec(io.recommender.api.v1alpha1.FeaturesSpec.FeatureSource.Redis,
                        new io.recommender.api.v1alpha1.FeaturesSpec.RedisSpec("redis://redis.cache.svc:6379", null, null,
                                new io.recommender.api.v1alpha1.FeaturesSpec.PasswordSecretRef("redis-auth", "password"),
                                null, null)),
                s.topology(), s.serving(), s.slo(), s.registry()));
        Container c = train(job(live, TARGET));
        assertThat(c.getArgs()).containsSequence("--live-events-redis", "redis://redis.cache.svc:6379")
                .containsSequence("--live-events-prefix", "shop:movies:");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("RECOMMENDER_REDIS_PASSWORD");
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis-auth");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        });
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("JAVA_TOOL_OPTIONS"));
        // Learning from the events is another model: another training Job.
        assertThat(job(live, TARGET).getMetadata().getName()).isNotEqualTo(job(r, TARGET).getMetadata().getName());
        // Without it, nothing of the store reaches the training pod.
        assertThat(train(job(r, TARGET)).getArgs()).doesNotContain("--live-events-redis");
        assertThat(train(job(r, TARGET)).getEnv()).noneMatch(e -> e.getName().equals("RECOMMENDER_REDIS_PASSWORD"));
    }

    @Test
    void packageStepPushesToTheRegistryWithTheMountedDockerConfig() {
        Job job = job(Fixtures.training("movies", Topology.OnePod, 0), TARGET);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container p = pack(job);

        assertThat(pod.getContainers()).singleElement();
        assertThat(p.getName()).isEqualTo(TrainingJobs.PACKAGE);
        assertThat(p.getImage()).isEqualTo(train(job).getImage());
        assertThat(p.getArgs()).startsWith("package").containsSequence("--bundle", "/work/bundle")
                .containsSequence("--repository", Fixtures.REPOSITORY)
                .containsSequence("--runtime-base", "mirror.example.com/runtime:1")
                .containsSequence("--tfserving-base", "mirror.example.com/tensorflow-serving:2")
                .containsSequence("--docker-config", "/var/run/recommender/registry/config.json")
                .containsSequence("--result-file", "/dev/termination-log")
                .doesNotContain("--insecure-registry");
        assertThat(p.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/run/recommender/registry");
            assertThat(m.getReadOnly()).isTrue();
            assertThat(m.getSubPath()).isNull();
            assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(m.getName())).singleElement()
                    .satisfies(v -> {
                        assertThat(v.getSecret().getSecretName()).isEqualTo("push-secret");
                        assertThat(v.getSecret().getItems()).singleElement().satisfies(i -> {
                            assertThat(i.getKey()).isEqualTo(".dockerconfigjson");
                            assertThat(i.getPath()).isEqualTo("config.json");
                        });
                    });
        });
        assertThat(p.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/work");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(p.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(p.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(p.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }

    @Test
    void registryFailuresBadBundlesAndMissedQualityEndTheJobWithoutRetrainingInPlace() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        var s = r.getSpec();
        r.setSpec(new io.recommender.api.v1alpha1.RecommenderSpec(s.model(), s.features(), s.topology(), s.serving(),
                s.slo(), s.registry(), new io.recommender.api.v1alpha1.QualitySpec(0.15, null, 0.9)));
        Job job = job(r, TARGET);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--min-recall-at-10", "0.15", "--max-rmse", "0.9", "--result-file");
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).anySatisfy(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo(TrainingJobs.PACKAGE);
            assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
            assertThat(rule.getOnExitCodes().getValues()).containsExactlyInAnyOrder(2, 3, 4);
        });
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void maxRegressionCopiesTheStableBundleOutOfItsImageAndScoresItBeforePackaging() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        var s = r.getSpec();
        r.setSpec(new io.recommender.api.v1alpha1.RecommenderSpec(s.model(), s.features(), s.topology(), s.serving(),
                s.slo(), new RegistrySpec(null, new RegistrySpec.Oci("registry.example.com/recs/movies", "pull-me",
                        null)), new io.recommender.api.v1alpha1.QualitySpec(null, null, null, 0.02)));
        Job first = job(r, TARGET);
        io.recommender.api.v1alpha1.ModelVersion stable = new io.recommender.api.v1alpha1.ModelVersion("20261201", 1L,
                "h", "t", Topology.OnePod, "recommender", Fixtures.IMAGE, Fixtures.TF_IMAGE, null, null, null);
        r.setStatus(new io.recommender.api.v1alpha1.RecommenderStatus(1L, null, List.of(), stable, null, null,
                List.of(stable), null, null));

        Job job = job(r, TARGET);

        // The first model has nothing to compare with: no copy, no comparison asked of package.
        assertThat(first.getSpec().getTemplate().getSpec().getInitContainers()).hasSize(1);
        assertThat(pack(first).getArgs()).doesNotContain("--max-regression");
        assertThat(train(first).getArgs()).doesNotContain("--stable-bundle");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container copy = pod.getInitContainers().get(0);
        assertThat(copy.getName()).isEqualTo(TrainingJobs.STABLE_BUNDLE_CONTAINER);
        assertThat(copy.getImage()).isEqualTo(Fixtures.IMAGE);
        assertThat(copy.getCommand()).containsExactly("java", "-Xmx128m", "-XX:-UsePerfData", "-cp", "/app/libs/*",
                "io.recommender.bundle.BundleCopy", "/opt/recommender/bundle", "/work/stable");
        assertThat(copy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getImagePullSecrets()).extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
                .containsExactly("pull-me");
        Container train = pod.getInitContainers().get(1);
        assertThat(train.getName()).isEqualTo(TrainingJobs.TRAIN);
        assertThat(train.getArgs()).containsSequence("--stable-bundle", "/work/stable", "--stable-features", "bundle");
        assertThat(pack(job).getArgs()).containsSequence("--max-regression", "0.02", "--result-file");
        // An image that cannot hand its bundle over fails the Job at once: another pod would not fix it.
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).anySatisfy(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo(TrainingJobs.STABLE_BUNDLE_CONTAINER);
            assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("NotIn");
            assertThat(rule.getOnExitCodes().getValues()).containsExactly(0);
        });
        assertThat(first.getSpec().getPodFailurePolicy().getRules())
                .noneMatch(rule -> rule.getOnExitCodes() != null
                        && TrainingJobs.STABLE_BUNDLE_CONTAINER.equals(rule.getOnExitCodes().getContainerName()));
    }

    @Test
    void anonymousInsecureRegistryGetsNoDockerConfig() {
        Job job = job(Fixtures.training("movies", Topology.OnePod, 0),
                new PushTarget("127.0.0.1:5000/recs/movies", null, true));
        assertThat(pack(job).getArgs()).contains("--insecure-registry").doesNotContain("--docker-config");
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getSecret() != null);
    }

    @Test
    void theRecommendersServingImagesAreTheBasesWhenSet() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 0);
        RecommenderSpec s = r.getSpec();
        r.setSpec(new RecommenderSpec(s.model(), s.features(), s.topology(), new ServingSpec(1, null, null, null,
                "mine.example.com/runtime:7", "mine.example.com/serving:7", 8080), s.slo(), s.registry()));
        assertThat(pack(job(r, TARGET)).getArgs())
                .containsSequence("--runtime-base", "mine.example.com/runtime:7")
                .containsSequence("--tfserving-base", "mine.example.com/serving:7");
        // Other bases make other images: another Job.
        assertThat(Plan.of(r).trainingHash()).isNotEqualTo(Plan.of(Fixtures.training("movies", Topology.OnePod, 0)).trainingHash());
    }

    @Test
    void gpuJobRequestsGpusAndToleratesGpuNodes() {
        Job job = job(Fixtures.training("movies", Topology.OnePod, 2), TARGET);
        Container c = train(job);
        assertThat(c.getResources().getLimits()).containsEntry(TrainingJobs.GPU_RESOURCE, new Quantity("2"));
        assertThat(c.getArgs()).containsSequence("--device", "gpu");
        // The GPU build (CUDA and cuDNN inside) trains and packages; CPU training keeps the small image.
        assertThat(c.getImage()).isEqualTo("trainer:1-gpu");
        assertThat(pack(job).getImage()).isEqualTo("trainer:1-gpu");
        assertThat(train(job(Fixtures.training("movies", Topology.OnePod, 0), TARGET)).getImage()).isEqualTo("trainer:1");
        assertThat(pack(job).getResources().getLimits()).doesNotContainKey(TrainingJobs.GPU_RESOURCE);
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations())
                .anyMatch(t -> t.getKey().equals(TrainingJobs.GPU_RESOURCE) && t.getEffect().equals("NoSchedule"));
    }

    @Test
    void nameDependsOnTheTrainingSpecAndWhereItsImagesGoOnly() {
        Recommender onePod = Fixtures.training("movies", Topology.OnePod, 0);
        Recommender twoPod = Fixtures.training("movies", Topology.TwoPod, 0);
        assertThat(name(onePod)).isEqualTo(name(twoPod));
        assertThat(name(Fixtures.training("movies", Topology.OnePod, 1))).isNotEqualTo(name(onePod));

        RecommenderSpec s = onePod.getSpec();
        Recommender ecr = Fixtures.recommender("movies", new RecommenderSpec(s.model(), s.features(), s.topology(),
                s.serving(), s.slo(), new RegistrySpec(new RegistrySpec.Ecr("recs/movies", "eu-west-1", 10), null)));
        Recommender keepFewer = Fixtures.recommender("movies", new RecommenderSpec(s.model(), s.features(), s.topology(),
                s.serving(), s.slo(), new RegistrySpec(new RegistrySpec.Ecr("recs/movies", "eu-west-1", 3), null)));
        assertThat(name(ecr)).isNotEqualTo(name(onePod)).isEqualTo(name(keepFewer));
        assertThat(SpecHashes.training(ecr.getSpec())).hasSize(10);
    }

    static String name(Recommender r) {
        return job(r, TARGET).getMetadata().getName();
    }

    @Test
    void defaultBasesComeFromTheOperatorsEnvironment() {
        OperatorConfig env = OperatorConfig.fromEnvironment(java.util.Map.of("RECOMMENDER_RUNTIME_IMAGE", "a/runtime:1",
                "RECOMMENDER_TFSERVING_IMAGE", "a/serving:1", "RECOMMENDER_ECR_ENDPOINT", "http://127.0.0.1:5001",
                "RECOMMENDER_TRAINING_GPU_IMAGE", "a/training@sha256:" + "0".repeat(64)));
        assertThat(List.of(env.runtimeImage(), env.tfServingImage(), env.ecrEndpoint().toString(),
                env.trainingGpuImage()))
                .containsExactly("a/runtime:1", "a/serving:1", "http://127.0.0.1:5001", "a/training@sha256:" + "0".repeat(64));
        OperatorConfig defaults = OperatorConfig.fromEnvironment(java.util.Map.of());
        assertThat(defaults.runtimeImage()).isEqualTo(OperatorConfig.DEFAULT_RUNTIME_IMAGE);
        assertThat(defaults.tfServingImage()).isEqualTo(OperatorConfig.DEFAULT_TFSERVING_IMAGE);
        assertThat(defaults.ecrEndpoint()).isNull();
        assertThat(defaults.trainingGpuImage()).isEqualTo(OperatorConfig.DEFAULT_TRAINING_GPU_IMAGE);
    }
}
