package io.recommender.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The helm binary: $HELM, else the project's build from its Go module (e2e-tests/cluster/build-binaries.sh helm,
 * cached after the first build). Its caches and config live under target/, never in the user's home.
 */
public final class Helm {
    private static Path binary;
    private final Path kubeconfig;

    public Helm(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    public static synchronized Path binary() {
        if (binary == null) {
            String configured = System.getenv("HELM");
            if (configured != null && !configured.isBlank()) {
                binary = Path.of(configured);
            } else {
                binary = Kubectl.projectBuild("helm", "set HELM");
            }
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("no helm at " + binary);
            }
        }
        return binary;
    }

    /** helm ARGS in the repository root (charts/... resolve there). */
    public Kubectl.Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("env",
                "HELM_CACHE_HOME=" + Repo.ROOT.resolve("target/helm/cache"),
                "HELM_CONFIG_HOME=" + Repo.ROOT.resolve("target/helm/config"),
                "HELM_DATA_HOME=" + Repo.ROOT.resolve("target/helm/data"),
                binary().toString()));
        if (kubeconfig != null) {
            command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        }
        command.addAll(List.of(args));
        return Kubectl.exec(command, Repo.ROOT, 5);
    }

    /** Runs and fails with helm's own words unless it exits 0. */
    public String ok(String... args) {
        Kubectl.Result r = run(args);
        if (r.exit() != 0) {
            throw new IllegalStateException("helm " + String.join(" ", args) + " failed: " + r.describe());
        }
        return r.out();
    }
}
