package io.recommender.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's shared control plane (e2e-tests/cluster/control-plane.sh): `up` is idempotent and prints the
 * admin kubeconfig path last. Shared with other test runs, so never stopped here.
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

    public static KubernetesClient client(Path kubeconfig) {
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
