package io.recommender.training.cli;

/** Lets tests in other packages run the command line in this JVM exactly as {@code main} does, minus the exit. */
public final class TrainingJobCommandAccess {
    private TrainingJobCommandAccess() {}

    public static int execute(String... args) {
        return TrainingJobCommand.commandLine().execute(args);
    }
}
