package io.recommender.e2e.eksctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * eksctl/cluster.yaml and eksctl/iam/*.json checked by the rules eksctl (pkg/apis/eksctl.io/v1alpha5 validation)
 * and IAM apply, since no AWS account is reachable here: required fields, node group sizes, instance types,
 * labels and taints, and that the GPU node group is where examples/training-gpu-ecr.yaml's training lands.
 */
class EksctlConfigTest {
    static final Path DIR = Path.of("..", "eksctl");
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();
    // EC2 instance types: family (letters, digits, options such as g5, m7i, p4de), size (xlarge, 2xlarge, metal...).
    static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\d[a-z0-9-]*\\.(nano|micro|small|medium|large|\\d*xlarge|metal(-\\d+xl)?)");
    static final Pattern QUALIFIED_NAME = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    static JsonNode cluster() throws IOException {
        return YAML.readTree(DIR.resolve("cluster.yaml").toFile());
    }

    static JsonNode nodeGroup(JsonNode cluster, String name) {
        for (JsonNode ng : cluster.path("managedNodeGroups")) {
            if (name.equals(ng.path("name").asText())) {
                return ng;
            }
        }
        throw new AssertionError("no managed node group " + name);
    }

    @Test
    void clusterConfigHasWhatEksctlRequires() throws IOException {
        JsonNode c = cluster();
        assertThat(c.path("apiVersion").asText()).isEqualTo("eksctl.io/v1alpha5");
        assertThat(c.path("kind").asText()).isEqualTo("ClusterConfig");
        assertThat(c.at("/metadata/name").asText()).matches("[a-zA-Z][-a-zA-Z0-9]{0,99}");
        assertThat(c.at("/metadata/region").asText()).matches("[a-z]{2}(-gov)?-[a-z]+-\\d");
        assertThat(c.at("/metadata/version").asText()).matches("1\\.\\d+");
        List<String> names = new ArrayList<>();
        for (JsonNode ng : c.path("managedNodeGroups")) {
            String path = "managedNodeGroups[" + ng.path("name").asText() + "]";
            names.add(ng.path("name").asText());
            assertThat(ng.path("name").asText()).as(path + ".name").matches("[a-zA-Z][-a-zA-Z0-9]*");
            // eksctl: only one of instanceType or instanceTypes.
            assertThat(ng.has("instanceType") && ng.has("instanceTypes")).as(path).isFalse();
            List<String> types = new ArrayList<>();
            ng.path("instanceTypes").forEach(t -> types.add(t.asText()));
            if (ng.has("instanceType")) {
                types.add(ng.path("instanceType").asText());
            }
            assertThat(types).as(path + " instance types").isNotEmpty().allMatch(t -> INSTANCE_TYPE.matcher(t).matches());
            // eksctl: minSize <= desiredCapacity <= maxSize, maxSize >= 1.
            int min = ng.path("minSize").asInt(-1);
            int desired = ng.path("desiredCapacity").asInt(min);
            int max = ng.path("maxSize").asInt(-1);
            assertThat(min).as(path + ".minSize").isGreaterThanOrEqualTo(0);
            assertThat(desired).as(path + ".desiredCapacity").isBetween(min, max);
            assertThat(max).as(path + ".maxSize").isGreaterThanOrEqualTo(1);
            assertThat(ng.path("amiFamily").asText("AmazonLinux2023")).as(path + ".amiFamily")
                    .isIn("AmazonLinux2023", "Bottlerocket", "Ubuntu2204", "Ubuntu2404");
            ng.path("labels").fields().forEachRemaining(l -> {
                assertThat(l.getKey()).as(path + " label").matches(QUALIFIED_NAME);
                assertThat(l.getValue().isTextual()).as(path + " label " + l.getKey() + " is a string").isTrue();
                assertThat(l.getValue().asText()).as(path + " label value").matches(LABEL_VALUE);
                // eksctl refuses kubernetes.io and k8s.io labels outside the kubelet's own namespaces; EKS sets its own.
                String domain = l.getKey().contains("/") ? l.getKey().substring(0, l.getKey().indexOf('/')) : "";
                boolean kubernetes = domain.endsWith("kubernetes.io") || domain.endsWith("k8s.io");
                assertThat(!kubernetes || domain.equals("node.kubernetes.io") || domain.equals("kubelet.kubernetes.io"))
                        .as(path + " label " + l.getKey() + " is in a reserved namespace").isTrue();
                assertThat(domain).as(path + " label " + l.getKey()).isNotEqualTo("eks.amazonaws.com");
            });
            for (JsonNode t : ng.path("taints")) {
                assertThat(t.path("key").asText()).as(path + " taint key").matches(QUALIFIED_NAME);
                assertThat(t.path("value").asText()).as(path + " taint value").matches(LABEL_VALUE);
                assertThat(t.path("effect").asText()).as(path + " taint effect").isIn(EFFECTS);
            }
        }
        assertThat(names).doesNotHaveDuplicates().contains("cpu", "gpu");
    }

    @Test
    void theGpuNodeGroupScalesFromZeroAndTakesTheGpuExampleOnly() throws IOException {
        JsonNode gpu = nodeGroup(cluster(), "gpu");
        assertThat(gpu.path("minSize").asInt()).isZero();
        assertThat(gpu.path("desiredCapacity").asInt()).isZero();
        assertThat(gpu.path("instanceType").asText()).matches("(g|p)\\d.*");
        assertThat(gpu.path("taints")).anySatisfy(t -> {
            assertThat(t.path("key").asText()).isEqualTo("nvidia.com/gpu");
            assertThat(t.path("effect").asText()).isEqualTo("NoSchedule");
        });
        // Scale from zero with the Cluster Autoscaler: it learns a node's labels, taints and GPUs from ASG tags.
        assertThat(gpu.path("propagateASGTags").asBoolean()).isTrue();
        assertThat(gpu.at("/tags").path("k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu").asText()).isEqualTo("1");

        JsonNode example = YAML.readTree(Path.of("..", "examples", "training-gpu-ecr.yaml").toFile());
        JsonNode training = example.at("/spec/model/training");
        assertThat(training.path("gpus").asInt()).isPositive();
        // Every nodeSelector entry holds on the group's nodes: its own labels plus the one EKS adds.
        training.path("nodeSelector").fields().forEachRemaining(s -> {
            String onNode = s.getKey().equals("eks.amazonaws.com/nodegroup") ? gpu.path("name").asText()
                    : gpu.path("labels").path(s.getKey()).asText(null);
            assertThat(onNode).as("node label " + s.getKey()).isEqualTo(s.getValue().asText());
        });
        // Every taint of the group is tolerated by the example.
        for (JsonNode taint : gpu.path("taints")) {
            assertThat(training.path("tolerations")).as("toleration of " + taint).anySatisfy(t -> {
                assertThat(t.path("key").asText()).isEqualTo(taint.path("key").asText());
                assertThat(t.path("effect").asText("")).isIn("", taint.path("effect").asText());
                if (!"Exists".equals(t.path("operator").asText())) {
                    assertThat(t.path("value").asText()).isEqualTo(taint.path("value").asText());
                }
            });
        }
        // ...and the CPU group carries no taint, so the serving pods (no tolerations) land there.
        assertThat(nodeGroup(cluster(), "cpu").path("taints").isMissingNode()).isTrue();
    }

    @Test
    void iamPoliciesAreValidAndLeastPrivilege() throws IOException {
        Set<String> needed = Set.of("ecr:CreateRepository", "ecr:DescribeRepositories", "ecr:PutLifecyclePolicy",
                "ecr:GetLifecyclePolicy", "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
                "eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:ListNodegroups");
        List<String> granted = new ArrayList<>();
        for (String file : List.of("ecr-push.json", "eks-nodegroups.json")) {
            JsonNode policy = JSON.readTree(DIR.resolve("iam").resolve(file).toFile());
            assertThat(policy.path("Version").asText()).as(file).isEqualTo("2012-10-17");
            assertThat(policy.path("Statement").isArray() && !policy.path("Statement").isEmpty()).as(file).isTrue();
            for (JsonNode st : policy.path("Statement")) {
                String where = file + " " + st.path("Sid").asText();
                assertThat(st.path("Effect").asText()).as(where).isEqualTo("Allow");
                assertThat(st.has("NotAction") || st.has("NotResource")).as(where).isFalse();
                List<String> actions = strings(st.path("Action"));
                assertThat(actions).as(where + " actions").isNotEmpty()
                        .allMatch(a -> a.matches("(ecr|eks):[A-Z][A-Za-z]+"), "service:Action without wildcards");
                granted.addAll(actions);
                List<String> resources = strings(st.path("Resource"));
                assertThat(resources).as(where + " resources").isNotEmpty();
                if (resources.contains("*")) {
                    // The one ECR action that has no resource to scope to.
                    assertThat(actions).as(where + ": Resource \"*\" only for").containsExactly("ecr:GetAuthorizationToken");
                } else {
                    assertThat(resources).allMatch(r -> r.startsWith("arn:aws:ecr:eu-west-1:") || r.startsWith("arn:aws:eks:eu-west-1:"));
                }
            }
        }
        assertThat(granted).doesNotHaveDuplicates().containsAll(needed);
        assertThat(granted).filteredOn(a -> !needed.contains(a))
                .as("beyond the list: the pulls Jib makes when it checks what a registry holds")
                .containsExactlyInAnyOrder("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer");
    }

    @Test
    void theOperatorsRoleCarriesExactlyThePolicyFiles() throws IOException {
        JsonNode c = cluster();
        assertThat(c.at("/iam/withOIDC").asBoolean()).isTrue();
        JsonNode sa = c.at("/iam/serviceAccounts/0");
        // The ServiceAccount operator/deploy installs.
        assertThat(sa.at("/metadata/name").asText()).isEqualTo("recommender-operator");
        assertThat(sa.at("/metadata/namespace").asText()).isEqualTo("recommender-system");
        assertThat(sa.path("roleName").asText()).isEqualTo("recommender-operator");
        ArrayNode statements = JSON.createArrayNode();
        for (String file : List.of("ecr-push.json", "eks-nodegroups.json")) {
            statements.addAll((ArrayNode) JSON.readTree(DIR.resolve("iam").resolve(file).toFile()).path("Statement"));
        }
        assertThat(sa.at("/attachPolicy/Version").asText()).isEqualTo("2012-10-17");
        assertThat(normalise(sa.at("/attachPolicy/Statement"))).isEqualTo(normalise(statements));
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    /** "Action": "x" and "Action": ["x"] mean the same to IAM. */
    static JsonNode normalise(JsonNode statements) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode st : statements) {
            var copy = JSON.createObjectNode();
            st.fields().forEachRemaining(f -> {
                if (f.getValue().isArray() || f.getKey().equals("Action") || f.getKey().equals("Resource")) {
                    ArrayNode list = copy.putArray(f.getKey());
                    strings(f.getValue()).forEach(list::add);
                } else {
                    copy.set(f.getKey(), f.getValue());
                }
            });
            out.add(copy);
        }
        return out;
    }
}
