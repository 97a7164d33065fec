package io.recommender.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's programs started by the local pipeline. Closing it stops it and everything it started,
 * so a failed or interrupted run leaves nothing behind.
 */
final class ChildProcess implements AutoCloseable {
    private static final long STOP_GRACE_SECONDS = 10;

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread stopOnExit;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopOnExit = new Thread(this::stop, "stop-" + name);
    }

    /**
     * Starts {@code command}; its output goes to {@code log} when given, else to this program's console.
     * The process is stopped when this JVM exits, should the caller not get to close it.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        if (log == null) {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        } else {
            Files.createDirectories(log.getParent());
            builder.redirectOutput(log.toFile());
        }
        ChildProcess child = new ChildProcess(name, builder.start(), log);
        Runtime.getRuntime().addShutdownHook(child.stopOnExit);
        return child;
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; past the limit it is stopped and that is an error. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            close();
            throw new LocalPipelineException(name + " did not finish within " + seconds + " s; stopped it");
        }
        return process.exitValue();
    }

    /** The last lines of the process's log, to say why it failed. */
    String logTail(int lines) {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook is running or has run.
        }
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
