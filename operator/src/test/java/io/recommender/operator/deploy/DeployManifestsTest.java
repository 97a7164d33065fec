package io.recommender.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.operator.OperatorConfig;
import io.recommender.operator.OperatorMain;
import io.recommender.operator.reconciler.RecommenderReconciler;
import io.recommender.testsupport.Kubectl;
import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `kubectl apply -k operator/deploy` installs, rendered by kubectl's kustomize and read back. */
class DeployManifestsTest {
    static final String NAMESPACE = "recommender-system";
    static final String NAME = "recommender-operator";
    static final Path DEPLOY = Repo.ROOT.resolve("operator/deploy");
    static List<HasMetadata> rendered;

    @BeforeAll
    static void render() {
        rendered = Kubectl.ofProject(null).kustomize(DEPLOY);
    }

    static <T extends HasMetadata> T one(Class<T> kind, String name) {
        List<T> found = rendered.stream().filter(kind::isInstance).map(kind::cast)
                .filter(r -> name.equals(r.getMetadata().getName())).toList();
        assertThat(found).as("%s %s", kind.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    static PodSpec pod() {
        return one(Deployment.class, NAME).getSpec().getTemplate().getSpec();
    }

    static Container container() {
        assertThat(pod().getContainers()).hasSize(1);
        return pod().getContainers().get(0);
    }

    static String env(String name) {
        return container().getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    @Test
    void installsTheNamespaceCrdRbacAndOperatorAndNothingElse() {
        assertThat(rendered).extracting(r -> r.getKind() + "/" + r.getMetadata().getName()).containsExactlyInAnyOrder(
                "Namespace/" + NAMESPACE,
                "CustomResourceDefinition/recommenders.recommender.io",
                "ServiceAccount/" + NAME,
                "ClusterRole/" + NAME,
                "ClusterRoleBinding/" + NAME,
                "Role/recommender-operator-leader-election",
                "RoleBinding/recommender-operator-leader-election",
                "Deployment/" + NAME);
        assertThat(rendered).filteredOn(r -> r instanceof ServiceAccount || r instanceof Role
                        || r instanceof RoleBinding || r instanceof Deployment)
                .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(NAMESPACE));
    }

    @Test
    void namespaceEnforcesTheRestrictedPodSecurityStandard() {
        assertThat(one(Namespace.class, NAMESPACE).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void installedCrdIsTheCommittedOne() throws IOException {
        CustomResourceDefinition committed = new KubernetesSerialization().unmarshal(
                Files.readString(Repo.ROOT.resolve("crds/recommenders.recommender.io-v1.yml")),
                CustomResourceDefinition.class);

        assertThat(one(CustomResourceDefinition.class, committed.getMetadata().getName()).getSpec())
                .isEqualTo(committed.getSpec());
    }

    @Test
    void operatorRunsAsNonRootOnAReadOnlyRootWithNoCapabilities() {
        PodSpec pod = pod();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo(one(ServiceAccount.class, NAME).getMetadata().getName());

        var security = container().getSecurityContext();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();

        assertThat(container().getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(m.getName()))
                    .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        });
    }

    @Test
    void twoReplicasProbedOnTheHealthPortTheOperatorListensOn() {
        assertThat(one(Deployment.class, NAME).getSpec().getReplicas()).isEqualTo(2);
        int port = Integer.parseInt(env("HEALTH_PORT"));
        assertThat(container().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
        String portName = container().getPorts().get(0).getName();

        assertThat(container().getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container().getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container().getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(List.of(container().getLivenessProbe().getHttpGet().getPort(),
                container().getStartupProbe().getHttpGet().getPort(),
                container().getReadinessProbe().getHttpGet().getPort()))
                .allSatisfy(p -> assertThat(p.getStrVal()).isEqualTo(portName));
    }

    @Test
    void leaseNamespaceComesFromTheDownwardApiAndHeapFromTheMemoryLimit() {
        EnvVar podNamespace = container().getEnv().stream().filter(e -> e.getName().equals("POD_NAMESPACE"))
                .findFirst().orElseThrow();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");

        assertThat(env("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
        assertThat(container().getResources().getLimits()).containsKey("memory");
        assertThat(container().getResources().getRequests()).containsKeys("cpu", "memory");
    }

    @Test
    void defaultImagesAreTheOperatorsOwnDefaults() {
        assertThat(env("RECOMMENDER_TRAINING_IMAGE")).isEqualTo(OperatorConfig.DEFAULT_TRAINING_IMAGE);
        assertThat(env("RECOMMENDER_TRAINING_GPU_IMAGE")).isEqualTo(OperatorConfig.DEFAULT_TRAINING_GPU_IMAGE);
        assertThat(env("RECOMMENDER_LOAD_TEST_IMAGE")).isEqualTo(OperatorConfig.DEFAULT_LOAD_TEST_IMAGE);
        assertThat(env("RECOMMENDER_RUNTIME_IMAGE")).isEqualTo(OperatorConfig.DEFAULT_RUNTIME_IMAGE);
        assertThat(env("RECOMMENDER_TFSERVING_IMAGE")).isEqualTo(OperatorConfig.DEFAULT_TFSERVING_IMAGE);
    }

    @Test
    void operatorImageCanBePinnedByDigestInAnOverlay(@TempDir Path overlay) throws IOException {
        assertThat(container().getImage()).isEqualTo("ghcr.io/recommender-operator/operator:0.1.0");
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                resources:
                - %s
                images:
                - name: ghcr.io/recommender-operator/operator
                  newName: registry.example.com/mirror/recommender-operator
                  digest: %s
                """.formatted(overlay.relativize(DEPLOY), digest));

        Deployment pinned = Kubectl.ofProject(null).kustomize(overlay).stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).findFirst().orElseThrow();
        assertThat(pinned.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/mirror/recommender-operator@" + digest);
    }

    @Test
    void rbacHasNoWildcardsAndNeverGetsOrPatchesSecrets() {
        List<PolicyRule> rules = rendered.stream().flatMap(r -> r instanceof ClusterRole c ? c.getRules().stream()
                : r instanceof Role role ? role.getRules().stream() : Stream.empty()).toList();
        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        // Secrets: only the operator's own registry credentials, through a labelled informer and its writes.
        assertThat(rules).filteredOn(rule -> rule.getResources().contains("secrets")).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("list", "watch", "create", "update", "delete");
        });
    }

    /**
     * The verbs each kind needs, derived from the reconciler's dependents as java-operator-sdk writes them:
     * server-side apply (a PATCH, plus "create" for a new object) except for the kinds the SDK writes with
     * plain create and update; list and watch for the informers.
     */
    @Test
    void clusterRoleGrantsExactlyTheVerbsTheReconcilerUses() throws ReflectiveOperationException {
        Set<Class<? extends HasMetadata>> notApplied = new BaseConfigurationService().defaultNonSSAResources();
        Map<String, Set<String>> expected = new TreeMap<>();
        for (Dependent d : RecommenderReconciler.class.getAnnotation(Workflow.class).dependents()) {
            DependentResource<?, ?> dependent = d.type().getDeclaredConstructor().newInstance();
            @SuppressWarnings("unchecked")
            Class<? extends HasMetadata> kind = (Class<? extends HasMetadata>) dependent.resourceType();
            boolean applied = !notApplied.contains(kind);
            Set<String> verbs = expected.computeIfAbsent(key(HasMetadata.getGroup(kind), HasMetadata.getPlural(kind)),
                    k -> new TreeSet<>(List.of("list", "watch")));
            if (dependent instanceof Creator<?, ?>) {
                verbs.addAll(applied ? List.of("create", "patch") : List.of("create"));
            }
            if (dependent instanceof Updater<?, ?>) {
                verbs.add(applied ? "patch" : "update");
            }
            if (dependent instanceof Deleter<?>) {
                verbs.add("delete");
            }
        }
        String group = HasMetadata.getGroup(Recommender.class);
        String plural = HasMetadata.getPlural(Recommender.class);
        expected.put(key(group, plural), new TreeSet<>(List.of("get", "list", "watch")));
        expected.put(key(group, plural + "/status"), new TreeSet<>(List.of("patch", "update")));
        // Pods listed by label: a finished Job's termination message (TerminationMessages) and a candidate's
        // stuck containers (Observer).
        expected.put(key("", "pods"), new TreeSet<>(List.of("list")));
        // Condition changes as core/v1 Events (EventRecorder).
        expected.put(key("", "events"), new TreeSet<>(List.of("create")));

        assertThat(grants(one(ClusterRole.class, NAME).getRules())).isEqualTo(expected);
    }

    @Test
    void leaderElectionRoleCoversOnlyTheOperatorsLease() throws ReflectiveOperationException {
        Field lease = OperatorMain.class.getDeclaredField("LEASE");
        lease.setAccessible(true);
        Role role = one(Role.class, "recommender-operator-leader-election");

        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(rule.getResources()).containsExactly("leases");
        });
        // "create" cannot be limited by name; everything else is limited to the one Lease.
        assertThat(role.getRules()).filteredOn(r -> r.getResourceNames() == null || r.getResourceNames().isEmpty())
                .flatExtracting(PolicyRule::getVerbs).containsExactly("create");
        assertThat(role.getRules()).filteredOn(r -> r.getResourceNames() != null && !r.getResourceNames().isEmpty())
                .singleElement().satisfies(r -> {
                    assertThat(r.getResourceNames()).containsExactly((String) lease.get(null));
                    // get, create and update are what java-operator-sdk checks before it starts; fabric8 renews
                    // the Lease with a patch.
                    assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
                });
    }

    @Test
    void rolesAreBoundToTheOperatorsServiceAccount() {
        Subject operator = new SubjectBuilder().withKind("ServiceAccount").withName(NAME).withNamespace(NAMESPACE).build();
        ClusterRoleBinding cluster = one(ClusterRoleBinding.class, NAME);
        assertThat(cluster.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(cluster.getRoleRef().getName()).isEqualTo(NAME);
        assertThat(cluster.getSubjects()).containsExactly(operator);

        RoleBinding lease = one(RoleBinding.class, "recommender-operator-leader-election");
        assertThat(lease.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(lease.getRoleRef().getName()).isEqualTo("recommender-operator-leader-election");
        assertThat(lease.getSubjects()).containsExactly(operator);
    }

    private static Map<String, Set<String>> grants(List<PolicyRule> rules) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    grants.computeIfAbsent(key(group, resource), k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return grants;
    }

    private static String key(String group, String resource) {
        return (group == null || group.isEmpty() ? "core" : group) + "/" + resource;
    }
}
