package io.recommender.training.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The jar's entry point ({@code java -jar training-job.jar ...}), using nothing but the JDK, so that it can say what
 * is wrong before any dependency is needed:
 * <ul>
 *   <li>a jar copied without the {@code lib/} folder Maven writes beside it (its manifest's Class-Path names the
 *       jars there) gets one line saying so, not a {@code NoClassDefFoundError};</li>
 *   <li>TensorFlow's own start-up log (CPU features, SavedModel loading, one line per op kernel on some builds) is
 *       hidden unless asked for: the command then runs in a child JVM with {@code TF_CPP_MIN_LOG_LEVEL=2}, since
 *       TensorFlow reads it from the environment only, and the info and warning lines its absl logging writes before
 *       reading it are dropped from the child's standard error (errors are kept). Set {@code TF_CPP_MIN_LOG_LEVEL}
 *       yourself (0 for everything) to see TensorFlow's log; the command then runs in this JVM.</li>
 * </ul>
 * The training image runs {@link TrainingJobCommand} directly, with the level set in its environment.
 */
public final class Launcher {
    static final String TF_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL";
    static final String QUIET = "2";
    static final String COMMAND = "io.recommender.training.cli.TrainingJobCommand";
    /** A class from lib/ that the command needs first. */
    static final String DEPENDENCY = "picocli.CommandLine";

    /** TensorFlow's own info and warning lines: absl's format, and the notice absl writes before it is set up. */
    static final Pattern TF_LOG_LINE = Pattern.compile("[IW]\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+ +\\d+ [\\w./-]+:\\d+\\] .*"
            + "|WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR");

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (!present(DEPENDENCY)) {
            System.err.println("error: " + missingLibraries());
            System.exit(2);
        }
        if (System.getenv(TF_LOG_LEVEL) == null) {
            System.exit(runQuietly(args));
        }
        Class.forName(COMMAND).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static String missingLibraries() {
        String jar = "training-job.jar";
        String dir = "the folder it is in";
        try {
            Path self = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            jar = self.getFileName().toString();
            dir = self.toAbsolutePath().getParent().toString();
        } catch (Exception | LinkageError e) {
            // the generic wording will do
        }
        return jar + " needs its libraries: the lib/ folder Maven writes beside it (training-job/target/lib; the jar's "
                + "manifest names each jar in it), missing from " + dir + ". Run the jar from training-job/target, "
                + "or copy lib/ along with it.";
    }

    /** The command in a child JVM, same JVM options and class path, TensorFlow's log level set; its exit code. */
    static int runQuietly(String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), COMMAND));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().put(TF_LOG_LEVEL, QUIET);
        Process child = pb.start();
        Thread errors = new Thread(() -> copyWithoutTensorFlowLog(child.getErrorStream()), "stderr");
        errors.setDaemon(true);
        errors.start();
        Thread stop = new Thread(() -> {
            child.destroy();
            try {
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        int exit = child.waitFor();
        errors.join(TimeUnit.SECONDS.toMillis(5));
        Runtime.getRuntime().removeShutdownHook(stop);
        return exit;
    }

    /** The child's standard error, line by line, without TensorFlow's info and warning lines. */
    static void copyWithoutTensorFlowLog(InputStream err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!TF_LOG_LINE.matcher(line).matches()) {
                    System.err.println(line);
                }
            }
        } catch (IOException e) {
            // The child is gone; nothing more to copy.
        }
    }
}
