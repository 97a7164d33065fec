package io.recommender.local;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run-local}: the whole pipeline for one Recommender manifest on this machine, no cluster. */
@Command(name = "run-local", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains (or reuses the last bundle), serves and load-tests a model against the SLO of a "
        + "Recommender manifest, on this machine, then prints the report and the verdict.",
        "Exit status: 0 the SLO was met, 1 it was not, 2 the run could not be done (the message says why)."})
public final class LocalPipelineCommand implements Callable<Integer> {
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int UNUSABLE = 2;

    @Parameters(index = "0", defaultValue = "examples/training-cpu-oci.yaml", paramLabel = "RECOMMENDER_YAML",
        description = "The Recommender manifest. Default: ${DEFAULT-VALUE}")
    Path recommender;

    @Option(names = "--out", defaultValue = "out", description = "Working directory (bundle, logs, report). "
        + "Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--bundle", description = "Serve this model bundle instead of training")
    Path bundle;

    @Option(names = "--retrain", description = "Train even when the last bundle was made from the same data and settings")
    boolean retrain;

    @Option(names = "--project-dir", defaultValue = ".", description = "The project checkout (built jars, data/). "
        + "Default: ${DEFAULT-VALUE}")
    Path projectDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalPipelineCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try {
            LocalPipeline.Outcome outcome = new LocalPipeline(new ProjectLayout(projectDir.toAbsolutePath()), System.out)
                    .run(new LocalPipeline.Options(recommender, out.toAbsolutePath(),
                            bundle == null ? null : bundle.toAbsolutePath(), retrain));
            return outcome.passed() ? PASSED : FAILED;
        } catch (LocalPipelineException e) {
            System.err.println("run-local: " + e.getMessage());
            return UNUSABLE;
        }
    }
}
