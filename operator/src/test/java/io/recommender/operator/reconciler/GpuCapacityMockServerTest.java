package io.recommender.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.Topology;
import io.recommender.operator.Fixtures;
import io.recommender.operator.aws.EksNodeGroups;
import io.recommender.operator.events.EventRecorder;
import io.recommender.operator.gpu.ConfigMapScaledGroups;
import io.recommender.operator.gpu.GpuCapacity;
import io.recommender.operator.observe.JobResults;
import io.recommender.operator.registry.RegistryAccess;
import io.recommender.operator.status.ConditionTypes;
import io.recommender.operator.status.Conditions;
import io.recommender.testsupport.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.TaintEffect;

/**
 * A GPU training Recommender through the whole operator (fabric8's in-memory API server, which has no scheduler:
 * the training pod never gets a node; moto for EKS): the GpuCapacity condition and its Events, the GPU node group
 * scaled from zero while the Job waits, and back to zero once the Job is done.
 */
class GpuCapacityMockServerTest {
    static final StaticCredentialsProvider ANY = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "secret"));
    static MotoServer moto;
    final CrudMockServer mock = new CrudMockServer();
    final KubernetesClient client = mock.client;
    Operator operator;
    EksClient eks;
    EksNodeGroups nodeGroups;
    String cluster;
    final Map<String, String> results = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void start() {
        cluster = "recs-" + UUID.randomUUID().toString().substring(0, 8);
        eks = EksClient.builder().region(Region.of("eu-west-1")).credentialsProvider(ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build();
        eks.createCluster(r -> r.name(cluster).roleArn("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/eks")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-1")));
        eks.createNodegroup(r -> r.clusterName(cluster).nodegroupName("cpu").instanceTypes("m5.xlarge")
                .nodeRole("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/node").subnets("subnet-1")
                .scalingConfig(s -> s.minSize(2).maxSize(6).desiredSize(2)));
        nodeGroups = new EksNodeGroups(cluster, "eu-west-1", ANY, moto.endpoint());
        operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withUseSSAToPatchPrimaryResource(false));
        operator.register(new RecommenderReconciler(job -> Optional.ofNullable(results.get(job.getMetadata().getName()))
                        .map(m -> new JobResults.Termination("package", 0, m)), new EventRecorder(client),
                Clock.systemUTC(), new RegistryAccess(ecr -> {
                    throw new AssertionError("no ECR here");
                }), new GpuCapacity(nodeGroups, new ConfigMapScaledGroups("recommender-system", cluster))),
                c -> c.settingNamespaces("shop"));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        mock.close();
        nodeGroups.close();
        eks.close();
    }

    void gpuGroup(int desired, int max) {
        eks.createNodegroup(r -> r.clusterName(cluster).nodegroupName("gpu").instanceTypes("g5.xlarge")
                .nodeRole("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/node").subnets("subnet-1")
                .taints(t -> t.key("nvidia.com/gpu").value("true").effect(TaintEffect.NO_SCHEDULE))
                .scalingConfig(s -> s.minSize(0).maxSize(max).desiredSize(desired)));
    }

    int desired() {
        return eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName("gpu")).nodegroup().scalingConfig()
                .desiredSize();
    }

    Recommender movies() {
        return client.resources(Recommender.class).inNamespace("shop").withName("movies").get();
    }

    String condition(String type) {
        Recommender r = movies();
        return r == null || r.getStatus() == null ? null : Conditions.find(r.getStatus().conditions(), type)
                .map(c -> c.getStatus() + "/" + c.getReason()).orElse(null);
    }

    Recommender create() {
        Recommender r = Fixtures.training("movies", Topology.OnePod, 1);
        r.getMetadata().setUid(null);
        return client.resource(r).create();
    }

    @Test
    void theGpuGroupIsScaledUpWhileTheJobWaitsAndBackDownWhenItIsDone() {
        gpuGroup(0, 2);
        create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(condition(ConditionTypes.GPU_CAPACITY)).isEqualTo("False/ScalingUp");
            assertThat(desired()).isEqualTo(1);
        });
        assertThat(condition(ConditionTypes.DEGRADED)).isEqualTo("False/AsExpected");
        assertThat(condition(ConditionTypes.TRAINED)).isEqualTo("False/TrainingInProgress");
        Condition gpu = Conditions.find(movies().getStatus().conditions(), ConditionTypes.GPU_CAPACITY).orElseThrow();
        assertThat(gpu.getMessage()).contains("gpu (g5.xlarge, 0..2, desired 0)", "to 1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("shop")
                .list().getItems()).anyMatch(e -> "ScalingUp".equals(e.getReason()) && "Normal".equals(e.getType())));
        assertThat(client.configMaps().inNamespace("recommender-system").withName(ConfigMapScaledGroups.NAME).get()
                .getData()).containsOnlyKeys(cluster + ".gpu");

        // The training Job finishes: the model is there, the group goes back to zero, the condition goes away.
        Job job = client.batch().v1().jobs().inNamespace("shop").list().getItems().get(0);
        results.put(job.getMetadata().getName(), Fixtures.packaged(1));
        client.batch().v1().jobs().inNamespace("shop").resource(new JobBuilder(job).editOrNewStatus()
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build())
                .updateStatus();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(desired()).isEqualTo(0);
            assertThat(condition(ConditionTypes.TRAINED)).isEqualTo("True/Trained");
            assertThat(condition(ConditionTypes.GPU_CAPACITY)).isNull();
        });
        assertThat(client.configMaps().inNamespace("recommender-system").withName(ConfigMapScaledGroups.NAME).get()
                .getData()).isNullOrEmpty();
    }

    @Test
    void noGpuGroupIsDegradedWithAWarning() {
        create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(condition(ConditionTypes.GPU_CAPACITY)).isEqualTo("False/NoGpuNodeGroup");
            assertThat(condition(ConditionTypes.DEGRADED)).isEqualTo("True/NoGpuNodeGroup");
        });
        assertThat(Conditions.find(movies().getStatus().conditions(), ConditionTypes.GPU_CAPACITY).orElseThrow()
                .getMessage()).contains(cluster, "cpu: no GPU (m5.xlarge)");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events().inNamespace("shop")
                .list().getItems()).anyMatch(e -> "NoGpuNodeGroup".equals(e.getReason())
                        && "Warning".equals(e.getType())));
    }
}
