package io.recommender.e2e.gitops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator as a process of its own (java -cp with its runtime class path, main class
 * io.recommender.operator.OperatorMain), configured through its environment as its Deployment configures it:
 * KUBECONFIG, WATCH_NAMESPACES, POD_NAMESPACE (its leader-election Lease) and HEALTH_PORT.
 */
final class OperatorProcess implements AutoCloseable {
    static final String MAIN_CLASS = "io.recommender.operator.OperatorMain";

    private final Process process;
    final Path log;

    private OperatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static OperatorProcess start(Path kubeconfig, String namespace, Path log) {
        String classpathFile = System.getProperty("operator.classpath.file");
        if (classpathFile == null || !Files.isRegularFile(Path.of(classpathFile))) {
            throw new IllegalStateException("the operator's class path file is missing (system property "
                    + "operator.classpath.file = " + classpathFile + "); run the tests through Maven, which writes it");
        }
        try {
            String classpath = privateCopies(Files.readString(Path.of(classpathFile)).strip(), log.getParent().resolve("lib"));
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:MaxRAMPercentage=25", "-cp", classpath, MAIN_CLASS));
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().put("WATCH_NAMESPACES", namespace);
            pb.environment().put("POD_NAMESPACE", namespace);
            pb.environment().put("HEALTH_PORT", Integer.toString(port));
            pb.environment().put("HOSTNAME", "gitops-it-operator");
            Files.createDirectories(log.getParent());
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            OperatorProcess op = new OperatorProcess(pb.start(), log);
            op.awaitReady(port);
            return op;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The project's own jars copied aside: on a machine where another build runs `mvn install`, a jar replaced
     * under the running JVM makes its classes vanish (ClassNotFoundException mid-test).
     */
    static String privateCopies(String classpath, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> entries = new java.util.ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p) && (p.toString().contains("/io/recommender/") || p.startsWith(io.recommender.testsupport.Repo.ROOT))) {
                Path copy = dir.resolve(p.getFileName());
                Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private void awaitReady(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/readyz").toURL()
                        .openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException("the operator was not ready after 120 s:\n" + logTail());
    }

    boolean alive() {
        return process.isAlive();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as Kubernetes stops a pod; SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
