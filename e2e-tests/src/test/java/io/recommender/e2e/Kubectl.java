package io.recommender.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** kubectl against one kubeconfig: the tool GitOps controllers and people use, for what fabric8 has no verb for. */
public final class Kubectl {
    public record Result(int exit, String out, String err) {
        public String describe() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;

    public Kubectl(Path binary, Path kubeconfig) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
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
        Result built = exec(List.of("bash", Repo.ROOT.resolve("e2e-tests/cluster/build-binaries.sh").toString(), "kubectl"),
                null, 20);
        List<String> lines = built.out().strip().lines().toList();
        if (built.exit() != 0 || lines.isEmpty()) {
            throw new IllegalStateException("no kubectl: set E2E_KUBECTL or put kubectl on the PATH; "
                    + "build-binaries.sh kubectl failed: " + built.describe());
        }
        return Path.of(lines.get(lines.size() - 1), "kubectl");
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return exec(command, null, 5);
    }

    /** Runs and fails with kubectl's own words unless it exits 0. */
    public String ok(String... args) {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + r.describe());
        }
        return r.out();
    }

    static Result exec(List<String> command, Path dir, int minutes) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            p.getOutputStream().close();
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

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
