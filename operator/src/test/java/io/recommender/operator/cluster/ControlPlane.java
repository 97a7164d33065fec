package io.recommender.operator.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's real control plane (etcd, kube-apiserver, controller-manager, scheduler and kwok, built from
 * the Kubernetes sources by e2e-tests/cluster/): started once, shared by every test of the JVM and left
 * running for the next; scripts/test.sh stops it at the end.
 */
public final class ControlPlane {
    static final Path SCRIPT = Path.of("..", "e2e-tests", "cluster", "control-plane.sh");
    static final String CRD_NAME = "recommenders.recommender.io";
    static final Path CRD = Path.of("..", "crds", CRD_NAME + "-v1.yml");
    private static Path kubeconfig;

    private ControlPlane() {}

    public static synchronized Path kubeconfig() {
        if (kubeconfig == null) {
            try {
                Process p = new ProcessBuilder("bash", SCRIPT.toString(), "up").redirectErrorStream(false)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("control-plane.sh up failed (exit " + p.exitValue() + "): " + out);
                }
                List<String> lines = out.lines().toList();
                kubeconfig = Path.of(lines.get(lines.size() - 1));
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + SCRIPT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return kubeconfig;
    }

    /** Installs the committed CRD (what users install), taking its fields over from any other manager. */
    public static void installCrd(KubernetesClient client) {
        try (java.io.InputStream crd = Files.newInputStream(CRD)) {
            client.load(crd).forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME)
                .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        60, TimeUnit.SECONDS);
    }

    /** A namespace for one test class or run (server-side apply: an existing one is kept). */
    public static void createNamespace(KubernetesClient client, String name) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(name).endMetadata().build()).serverSideApply();
    }

    public static KubernetesClient client() {
        return clientBuilder().build();
    }

    /** A client builder for this control plane, for a client with settings of its own. */
    public static KubernetesClientBuilder clientBuilder() {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
