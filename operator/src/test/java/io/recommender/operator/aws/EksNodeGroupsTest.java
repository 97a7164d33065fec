package io.recommender.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.recommender.operator.gpu.ConfigMapScaledGroups;
import io.recommender.operator.gpu.GpuCapacity;
import io.recommender.operator.gpu.GpuPod;
import io.recommender.operator.gpu.GpuState;
import io.recommender.operator.gpu.NodeGroupException;
import io.recommender.testsupport.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * GPU capacity on EKS: the adapter on the AWS SDK against moto 5.2.5 in server mode (which implements every EKS
 * call used here: CreateCluster, CreateNodegroup, DescribeCluster, ListNodegroups, DescribeNodegroup and
 * UpdateNodegroupConfig), reached through the fault-injecting recording proxy of {@link EcrRegistryTest}, and the
 * scaled-group records in a ConfigMap on fabric8's in-memory API server. moto does not throttle and does not
 * check UpdateNodegroupConfig's desiredSize against maxSize (EKS answers InvalidParameterException); the
 * proxy throttles, and the planner never asks beyond maxSize.
 */
@EnableKubernetesMockClient(crud = true)
class EksNodeGroupsTest {
    static final String REGION = "eu-west-1";
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static MotoServer moto;
    static FaultProxy proxy;
    KubernetesClient client;
    EksClient direct;
    EksNodeGroups eks;
    String cluster;
    String namespace;

    static final Pattern NODE_GROUP = Pattern.compile("^/clusters/[^/]+/node-groups/[^/]+$");

    /** EKS is a REST API: its operation is in the method and path. */
    static String operation(String method, String path) {
        if (path.matches("^/clusters/[^/]+/node-groups/[^/]+/update-config$")) {
            return "UpdateNodegroupConfig";
        }
        if (NODE_GROUP.matcher(path).matches()) {
            return method.equals("GET") ? "DescribeNodegroup" : method + " " + path;
        }
        if (path.matches("^/clusters/[^/]+/node-groups$")) {
            return method.equals("GET") ? "ListNodegroups" : "CreateNodegroup";
        }
        if (path.matches("^/clusters/[^/]+$") && method.equals("GET")) {
            return "DescribeCluster";
        }
        return method + " " + path;
    }

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        proxy = new FaultProxy(moto.endpoint(), EksNodeGroupsTest::operation);
    }

    @AfterAll
    static void stopMoto() {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void cluster() {
        proxy.clear();
        cluster = "recs-" + UUID.randomUUID().toString().substring(0, 8);
        namespace = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        direct = EksClient.builder().region(Region.of(REGION)).credentialsProvider(EcrRegistryTest.ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build();
        createCluster(direct, cluster);
        eks = new EksNodeGroups(cluster, REGION, EcrRegistryTest.ANY, proxy.endpoint());
    }

    @AfterEach
    void close() {
        eks.close();
        direct.close();
    }

    static void createCluster(EksClient direct, String name) {
        direct.createCluster(r -> r.name(name).roleArn("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/eks")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-1", "subnet-2")));
    }

    /** The node groups of eksctl/cluster.yaml: CPU for serving, GPU for training (tainted, labelled, 0..max). */
    static void createGroups(EksClient direct, String cluster, int gpuDesired, int gpuMax) {
        direct.createNodegroup(r -> r.clusterName(cluster).nodegroupName("cpu").instanceTypes("m5.xlarge")
                .nodeRole("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/node").subnets("subnet-1")
                .labels(Map.of("recommender.io/workload", "serving"))
                .scalingConfig(s -> s.minSize(2).maxSize(6).desiredSize(2)));
        direct.createNodegroup(r -> r.clusterName(cluster).nodegroupName("gpu").instanceTypes("g5.xlarge")
                .amiType("AL2023_x86_64_NVIDIA")
                .nodeRole("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/node").subnets("subnet-1")
                .labels(Map.of("recommender.io/workload", "training", "nvidia.com/gpu.present", "true"))
                .taints(t -> t.key("nvidia.com/gpu").value("true").effect(TaintEffect.NO_SCHEDULE))
                .scalingConfig(s -> s.minSize(0).maxSize(gpuMax).desiredSize(gpuDesired)));
    }

    int desired(String group) {
        return direct.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(group)).nodegroup().scalingConfig()
                .desiredSize();
    }

    /** The pod of examples/training-gpu-ecr.yaml as the operator builds it. */
    static GpuPod pod(String job) {
        return new GpuPod("shop/" + job, Map.of("eks.amazonaws.com/nodegroup", "gpu"), List.of(new TolerationBuilder()
                .withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule").build()));
    }

    GpuCapacity capacity() {
        return new GpuCapacity(eks, new ConfigMapScaledGroups(namespace, cluster));
    }

    ConfigMap records() {
        return client.configMaps().inNamespace(namespace).withName(ConfigMapScaledGroups.NAME).get();
    }

    @Test
    void aGpuGroupAtZeroIsScaledUpOnceAndTheScalingIsRecordedFirst() {
        createGroups(direct, cluster, 0, 2);
        GpuCapacity gpu = capacity();

        GpuCapacity.Outcome o = gpu.check(client, pod("movies-train"), "0/3 nodes are available", List.of(pod("movies-train")), T0);
        assertThat(o.state().status()).isEqualTo("False");
        assertThat(o.state().reason()).isEqualTo(GpuState.SCALING_UP);
        assertThat(o.state().message()).contains("gpu (g5.xlarge, 0..2, desired 0)", "to 1");
        assertThat(o.wakeUp()).isEqualTo(T0.plusSeconds(30));
        assertThat(desired("gpu")).isEqualTo(1);
        assertThat(desired("cpu")).isEqualTo(2);
        assertThat(proxy.operations()).containsExactlyInAnyOrder("ListNodegroups", "DescribeNodegroup",
                "DescribeNodegroup", "UpdateNodegroupConfig");
        assertThat(records().getData()).containsOnlyKeys(cluster + ".gpu");
        assertThat(records().getData().get(cluster + ".gpu")).contains("\"restoreTo\":0", "\"scaledTo\":1");

        // Reconciles before the next look (the operator's own status writes cause some) ask AWS nothing.
        proxy.clear();
        assertThat(gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0.plusSeconds(5)))
                .isEqualTo(o);
        assertThat(proxy.operations()).isEmpty();
        // The next look finds its own scaling under way: no second call.
        GpuCapacity.Outcome later = gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")),
                T0.plusSeconds(30));
        assertThat(later.state().reason()).isEqualTo(GpuState.SCALING_UP);
        assertThat(proxy.operations()).doesNotContain("UpdateNodegroupConfig");
        assertThat(desired("gpu")).isEqualTo(1);
    }

    @Test
    void noGpuGroupIsReportedWithWhatWasLookedFor() {
        direct.createNodegroup(r -> r.clusterName(cluster).nodegroupName("cpu").instanceTypes("m5.xlarge")
                .nodeRole("arn:aws:iam::" + MotoServer.ACCOUNT + ":role/node").subnets("subnet-1")
                .scalingConfig(s -> s.minSize(1).maxSize(3).desiredSize(1)));
        GpuCapacity.Outcome o = capacity().check(client, pod("movies-train"), "0/3 nodes are available: 3 node(s) "
                + "didn't match Pod's node affinity/selector", List.of(), T0);

        assertThat(o.state().status()).isEqualTo("False");
        assertThat(o.state().reason()).isEqualTo(GpuState.NO_GROUP);
        assertThat(o.state().needsAction()).isTrue();
        assertThat(o.state().message()).contains(cluster, "eks.amazonaws.com/nodegroup=gpu", "cpu: no GPU (m5.xlarge)",
                "didn't match Pod's node affinity/selector");
        assertThat(o.wakeUp()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
        assertThat(proxy.operations()).doesNotContain("UpdateNodegroupConfig");
        assertThat(records()).isNull();
    }

    @Test
    void aGroupAtItsMaximumIsReportedAndNotChanged() {
        // Sized by someone else: one node, at its maximum, and two GPU trainings want one each.
        createGroups(direct, cluster, 1, 1);
        GpuCapacity.Outcome o = capacity().check(client, pod("b-train"), null, List.of(pod("a-train"), pod("b-train")), T0);

        assertThat(o.state().reason()).isEqualTo(GpuState.AT_MAXIMUM);
        assertThat(o.state().message()).contains("maxSize 1", "--nodes-max");
        assertThat(proxy.operations()).doesNotContain("UpdateNodegroupConfig");
        assertThat(desired("gpu")).isEqualTo(1);
    }

    @Test
    void throttledThenSucceedsOnTheRescheduledLookWithAGrowingWait() {
        createGroups(direct, cluster, 0, 2);
        GpuCapacity gpu = capacity();
        proxy.throttle("ListNodegroups", 2);

        GpuCapacity.Outcome first = gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0);
        assertThat(first.state().reason()).isEqualTo(NodeGroupException.THROTTLED);
        assertThat(first.state().status()).isEqualTo("Unknown");
        assertThat(first.wakeUp()).isEqualTo(T0.plusSeconds(15));
        // Not retried inside the call: one request, the wait is the reconcile's.
        assertThat(proxy.operations()).containsExactly("ListNodegroups");
        assertThat(gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0.plusSeconds(10)))
                .isEqualTo(first);
        assertThat(proxy.operations()).hasSize(1);

        GpuCapacity.Outcome second = gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")),
                first.wakeUp());
        assertThat(second.state().reason()).isEqualTo(NodeGroupException.THROTTLED);
        assertThat(second.wakeUp()).isEqualTo(first.wakeUp().plusSeconds(30));

        GpuCapacity.Outcome third = gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")),
                second.wakeUp());
        assertThat(third.state().reason()).isEqualTo(GpuState.SCALING_UP);
        assertThat(desired("gpu")).isEqualTo(1);
    }

    @Test
    void scaledBackToItsSizeOnceTheTrainingIsDoneEvenByAnotherOperatorProcess() {
        createGroups(direct, cluster, 0, 2);
        capacity().check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0);
        assertThat(desired("gpu")).isEqualTo(1);
        proxy.clear();

        // While it trains nothing is released, and nothing is asked of AWS.
        GpuCapacity restarted = capacity();
        assertThat(restarted.release(client, List.of(pod("movies-train")), T0.plusSeconds(60))).isNull();
        assertThat(proxy.operations()).isEmpty();
        assertThat(desired("gpu")).isEqualTo(1);

        // A restarted operator (a new process, the records read from the ConfigMap) scales it back.
        assertThat(restarted.release(client, List.of(), T0.plusSeconds(120))).isNull();
        assertThat(desired("gpu")).isEqualTo(0);
        assertThat(proxy.operations()).containsExactly("DescribeNodegroup", "UpdateNodegroupConfig");
        assertThat(records().getData()).isNullOrEmpty();
        proxy.clear();
        restarted.release(client, List.of(), T0.plusSeconds(180));
        assertThat(proxy.operations()).isEmpty();
    }

    @Test
    void twoTrainingsAtOnceGetTwoNodesAndTheGroupStaysUntilTheLastEnds() {
        createGroups(direct, cluster, 0, 2);
        GpuCapacity gpu = capacity();
        List<GpuPod> both = List.of(pod("a-train"), pod("b-train"));

        assertThat(gpu.check(client, pod("a-train"), null, both, T0).state().message()).contains("to 2");
        assertThat(desired("gpu")).isEqualTo(2);
        proxy.clear();
        GpuCapacity.Outcome b = gpu.check(client, pod("b-train"), null, both, T0.plusSeconds(1));
        assertThat(b.state().reason()).isEqualTo(GpuState.SCALING_UP);
        assertThat(proxy.operations()).doesNotContain("UpdateNodegroupConfig");

        // a ends: b still trains, the group keeps its nodes.
        assertThat(gpu.release(client, List.of(pod("b-train")), T0.plusSeconds(60))).isNull();
        assertThat(desired("gpu")).isEqualTo(2);
        assertThat(proxy.operations()).doesNotContain("UpdateNodegroupConfig");
        // b ends: back to 0.
        gpu.release(client, List.of(), T0.plusSeconds(120));
        assertThat(desired("gpu")).isEqualTo(0);
    }

    @Test
    void aGroupSomeoneElseResizedMeanwhileIsLeftAsTheyLeftIt() {
        createGroups(direct, cluster, 0, 2);
        GpuCapacity gpu = capacity();
        gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0);
        direct.updateNodegroupConfig(r -> r.clusterName(cluster).nodegroupName("gpu").scalingConfig(s -> s.desiredSize(2)));
        proxy.clear();

        gpu.release(client, List.of(), T0.plusSeconds(60));
        assertThat(desired("gpu")).isEqualTo(2);
        assertThat(proxy.operations()).containsExactly("DescribeNodegroup");
        assertThat(records().getData()).isNullOrEmpty();
    }

    @Test
    void notOnEksTheSchedulersReasonIsTheCondition() {
        GpuCapacity off = GpuCapacity.disabled();
        assertThat(off.enabled()).isFalse();
        GpuCapacity.Outcome o = off.check(client, pod("movies-train"), "movies-train-x: Unschedulable: 0/1 nodes are "
                + "available: 1 Insufficient nvidia.com/gpu", List.of(), T0);
        assertThat(o.state().reason()).isEqualTo(GpuState.UNSCHEDULABLE);
        assertThat(o.state().message()).contains("Insufficient nvidia.com/gpu");
        assertThat(off.release(client, List.of(), T0)).isNull();
        assertThat(proxy.operations()).isEmpty();
    }

    /**
     * EKS answers ListNodegroups of an unknown cluster with ResourceNotFoundException (HTTP 404); moto 5.2.5 fails
     * with a KeyError (HTTP 500), so the proxy gives EKS's documented answer for that one call.
     */
    @Test
    void anUnknownClusterIsNamed() throws Exception {
        proxy.fail("ListNodegroups", 1, 404, "ResourceNotFoundException", "No cluster found for name: no-such-cluster.");
        try (EksNodeGroups nowhere = new EksNodeGroups("no-such-cluster", REGION, EcrRegistryTest.ANY, proxy.endpoint())) {
            GpuCapacity.Outcome o = new GpuCapacity(nowhere, new ConfigMapScaledGroups(namespace, "no-such-cluster"))
                    .check(client, pod("movies-train"), null, List.of(), T0);
            assertThat(o.state().reason()).isEqualTo(NodeGroupException.NOT_FOUND);
            assertThat(o.state().status()).isEqualTo("False");
            assertThat(o.state().message()).contains("eks:ListNodegroups", "no-such-cluster", "No cluster found");
        }
    }

    /** The last test to touch moto's IAM switch restores it, even when it fails. */
    @Test
    void anIdentityWithoutUpdateNodegroupConfigIsDeniedWithTheActionNamed() throws Exception {
        createGroups(direct, cluster, 0, 2);
        AccessKey key;
        try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).credentialsProvider(EcrRegistryTest.ANY)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(moto.endpoint()).build()) {
            String user = "operator-" + UUID.randomUUID().toString().substring(0, 8);
            iam.createUser(r -> r.userName(user));
            iam.putUserPolicy(r -> r.userName(user).policyName("eks-read-only").policyDocument("""
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:ListNodegroups",
                    "eks:DescribeNodegroup"],"Resource":"*"}]}"""));
            key = iam.createAccessKey(r -> r.userName(user)).accessKey();
        }
        moto.enforceIamAfter(0);
        // Straight to moto: it checks the signature, which names the host the request was signed for.
        try (EksNodeGroups limited = new EksNodeGroups(cluster, REGION, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())), moto.endpoint())) {
            GpuCapacity gpu = new GpuCapacity(limited, new ConfigMapScaledGroups(namespace, cluster));
            GpuCapacity.Outcome o = gpu.check(client, pod("movies-train"), null, List.of(pod("movies-train")), T0);
            assertThat(o.state().reason()).isEqualTo(NodeGroupException.ACCESS_DENIED);
            assertThat(o.state().status()).isEqualTo("False");
            assertThat(o.state().needsAction()).isTrue();
            assertThat(o.state().message()).contains("eks:UpdateNodegroupConfig", "gpu")
                    .doesNotContain(key.secretAccessKey());
            assertThat(o.wakeUp()).isEqualTo(T0.plusSeconds(15));
        } finally {
            moto.enforceIamAfter(Double.POSITIVE_INFINITY);
        }
        assertThat(desired("gpu")).isEqualTo(0);
        // The record written before the call is taken back: nothing to scale down later.
        assertThat(records().getData()).isNullOrEmpty();
    }
}
