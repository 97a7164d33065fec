package io.recommender.training.cli;

import io.recommender.bundle.BundleException;
import io.recommender.training.data.DataFormatException;
import io.recommender.training.data.DatasetException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code training-job train|import|package}: the entry point of the training container. */
@Command(name = "training-job", mixinStandardHelpOptions = true, version = "training-job 0.1.0",
        description = "Trains the two-tower recommender, writes a model bundle and packages it into images.",
        subcommands = {TrainCommand.class, ImportCommand.class, PackageCommand.class, MaterializeCommand.class,
                GenerateCommand.class})
public final class TrainingJobCommand {
    /** Exit code for bad input data or a failed run; picocli uses 2 for usage errors. */
    static final int FAILED = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrainingJobCommand());
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        return cl.setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, args) -> usageError(standard, e, args))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + message(e));
                    return FAILED;
                });
    }

    /**
     * picocli's usage-error handling, plus the reason in {@code package}'s result file when it was given, so
     * that the operator reads why a packaging Job failed from its termination message.
     */
    private static int usageError(CommandLine.IParameterExceptionHandler standard, CommandLine.ParameterException e,
            String[] args) throws Exception {
        if (e.getCommandLine().getCommand() instanceof PackageCommand p) {
            PackageCommand.writeResult(p.resultFile, "bad arguments: " + e.getMessage());
        }
        return standard.handleParseException(e, args);
    }

    /** One line that says what is wrong; a stack trace only for what is a bug. */
    static String message(Throwable e) {
        if (e instanceof DataFormatException || e instanceof DatasetException || e instanceof BundleException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause().getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": file not found";
        }
        if (e instanceof java.io.IOException) {
            return e.toString();
        }
        e.printStackTrace();
        return e.toString();
    }
}
