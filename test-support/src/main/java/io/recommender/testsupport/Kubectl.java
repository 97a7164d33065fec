package io.recommender.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * kubectl against one kubeconfig (or none, for commands that need no cluster): the tool GitOps controllers and
 * people use, for what fabric8 has no verb for.
 */
public final class Kubectl {
    public record Result(int exit, String out, String err) {
        public String describe() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Path projectBinary;

    private final Path binary;
    private final Path kubeconfig;
    private final Path directory;

    /** kubectl BINARY --kubeconfig KUBECONFIG, run in the test's working directory. */
    public Kubectl(Path binary, Path kubeconfig) {
        this(binary, kubeconfig, null);
    }

    /**
     * kubectl BINARY with KUBECONFIG (null: no --kubeconfig) run in DIRECTORY (null: the test's working directory),
     * which relative paths in the arguments are resolved against.
     */
    public Kubectl(Path binary, Path kubeconfig, Path directory) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.directory = directory;
    }

    /** The project's kubectl ({@link #projectBinary()}) with KUBECONFIG (null: none), run in the repository root. */
    public static Kubectl ofProject(Path kubeconfig) {
        return new Kubectl(projectBinary(), kubeconfig, Repo.ROOT);
    }

    /**
     * E2E_KUBECTL, else kubectl on the PATH, else the project's own build (e2e-tests/cluster/build-binaries.sh,
     * the same v1.34 build as the test control plane).
     */
    public static Path find() {
        String configured = System.getenv("E2E_KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return built();
    }

    /**
     * kubectl from $K8S_BIN as control-plane.sh takes it, else from the project's Kubernetes build
     * (e2e-tests/cluster/build-binaries.sh, cached after the first build).
     */
    public static synchronized Path projectBinary() {
        if (projectBinary == null) {
            String bin = System.getenv("K8S_BIN");
            Path kubectl = bin == null || bin.isBlank() ? built() : Path.of(bin, "kubectl");
            if (!Files.isExecutable(kubectl)) {
                throw new IllegalStateException("no kubectl at " + kubectl);
            }
            projectBinary = kubectl;
        }
        return projectBinary;
    }

    private static Path built() {
        return projectBuild("kubectl", "set E2E_KUBECTL or put kubectl on the PATH");
    }

    /**
     * {@code name} from the project's build (e2e-tests/cluster/build-binaries.sh NAME, cached after the first
     * build); {@code otherwise} says what a user can do instead when the build fails.
     */
    static Path projectBuild(String name, String otherwise) {
        Result built = exec(List.of("bash", Repo.ROOT.resolve("e2e-tests/cluster/build-binaries.sh").toString(), name),
                null, 20);
        List<String> lines = built.out().strip().lines().toList();
        if (built.exit() != 0 || lines.isEmpty()) {
            throw new IllegalStateException("no " + name + ": " + otherwise + "; build-binaries.sh " + name
                    + " failed: " + built.describe());
        }
        return Path.of(lines.get(lines.size() - 1), name);
    }

    public Result run(String... args) {
        return run(List.of(args));
    }

    public Result run(List<String> args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if (kubeconfig != null) {
            command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        }
        command.addAll(args);
        return exec(command, directory, 5);
    }

    /** Runs and fails with kubectl's own words unless it exits 0. */
    public String ok(String... args) {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + r.describe());
        }
        return r.out();
    }

    /** kubectl kustomize DIR, parsed. */
    public List<HasMetadata> kustomize(Path dir) {
        return parse(ok("kustomize", dir.toString()));
    }

    @SuppressWarnings("unchecked")
    public static List<HasMetadata> parse(String yaml) {
        Object parsed = new KubernetesSerialization().unmarshal(yaml);
        return parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    }

    /** Runs COMMAND in DIR (null: the working directory) for at most MINUTES, its output captured. */
    public static Result exec(List<String> command, Path dir, int minutes) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            p.getOutputStream().close();
            // Both streams drained at once: a full pipe would otherwise block the process.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + minutes + " min");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
