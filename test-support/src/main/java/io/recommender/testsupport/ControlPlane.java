package io.recommender.testsupport;

import java.util.stream.Stream;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's real control plane (etcd, kube-apiserver, controller-manager, scheduler and kwok, built from the
 * Kubernetes sources by e2e-tests/cluster/control-plane.sh, which honours $CLUSTER_DIR): `up` is idempotent and
 * prints the admin kubeconfig path last. Started once, shared by every test of the JVM and by other test runs,
 * so never stopped here; scripts/test.sh stops it at the end.
 */
public final class ControlPlane {
    private static Path kubeconfig;

    private ControlPlane() {}

    public static synchronized Path kubeconfig() {
        if (kubeconfig == null) {
            Kubectl.Result up = Kubectl.exec(List.of("bash",
                    Repo.ROOT.resolve("e2e-tests/cluster/control-plane.sh").toString(), "up"), null, 20);
            List<String> lines = up.out().strip().lines().toList();
            if (up.exit() != 0 || lines.isEmpty()) {
                throw new IllegalStateException("control-plane.sh up failed: " + up.describe());
            }
            kubeconfig = Path.of(lines.get(lines.size() - 1));
        }
        return kubeconfig;
    }

    /** Installs the committed CRD (what users install), taking its fields over from any other manager. */
    public static void installCrd(KubernetesClient client) {
        try (InputStream crd = Files.newInputStream(Repo.CRD)) {
            client.load(crd).forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.apiextensions().v1().customResourceDefinitions().withName(Repo.CRD_NAME)
                .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        60, TimeUnit.SECONDS);
    }

    /** A namespace for one test class or run (server-side apply: an existing one is kept). */
    public static void createNamespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .serverSideApply();
    }

    /** A client with the committed CRD installed and {@code namespace} created: what a test applying Recommenders needs. */
    public static KubernetesClient clientWithCrd(String namespace) {
        KubernetesClient client = client();
        installCrd(client);
        createNamespace(client, namespace);
        return client;
    }

    /**
     * Creates the manifest in {@code file} as {@code kubectl apply --dry-run=server --validate=strict} would: the
     * API server validates it completely (schema, CEL rules, unknown fields) and stores nothing.
     */
    public static GenericKubernetesResource dryRunCreate(KubernetesClient client, String namespace, Path file)
            throws IOException {
        GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(Files.readString(file),
                GenericKubernetesResource.class);
        return client.resource(r).inNamespace(namespace).dryRun().fieldValidation(Validation.STRICT).create();
    }

    /** The {@code .yaml} files of a folder, sorted by name (test parameters in a stable order). */
    public static Stream<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /** A client for this control plane (started first if it is not running). */
    public static KubernetesClient client() {
        return clientBuilder().build();
    }

    /** A client builder for this control plane, for a client with settings of its own. */
    public static KubernetesClientBuilder clientBuilder() {
        return clientBuilder(kubeconfig());
    }

    /** A client for the cluster of KUBECONFIG. */
    public static KubernetesClient client(Path kubeconfig) {
        return clientBuilder(kubeconfig).build();
    }

    private static KubernetesClientBuilder clientBuilder(Path kubeconfig) {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
