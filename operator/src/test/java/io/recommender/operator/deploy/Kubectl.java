package io.recommender.operator.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * kubectl from the project's Kubernetes build (e2e-tests/cluster/build-binaries.sh, cached after the first
 * build), or from $K8S_BIN as control-plane.sh takes it.
 */
final class Kubectl {
    /** The repository root: tests run in the operator module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static Path binary;

    private Kubectl() {}

    record Result(int exitCode, String out, String err) {}

    static synchronized Path binary() {
        if (binary == null) {
            String bin = System.getenv("K8S_BIN");
            if (bin == null || bin.isBlank()) {
                Result built = exec(List.of("bash", ROOT.resolve("e2e-tests/cluster/build-binaries.sh").toString(),
                        "kubectl"));
                if (built.exitCode() != 0) {
                    throw new IllegalStateException("build-binaries.sh kubectl failed: " + built.err());
                }
                List<String> lines = built.out().strip().lines().toList();
                bin = lines.get(lines.size() - 1);
            }
            binary = Path.of(bin, "kubectl");
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException("no kubectl at " + binary);
            }
        }
        return binary;
    }

    static Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        return exec(command);
    }

    /** kubectl kustomize DIR, parsed. */
    static List<HasMetadata> kustomize(Path dir) {
        Result r = run(List.of("kustomize", dir.toString()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + r.err());
        }
        return parse(r.out());
    }

    @SuppressWarnings("unchecked")
    static List<HasMetadata> parse(String yaml) {
        Object parsed = new KubernetesSerialization().unmarshal(yaml);
        return parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    }

    private static Result exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).start();
            p.getOutputStream().close();
            // Both streams drained at once: a full stderr pipe would otherwise block the process.
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
