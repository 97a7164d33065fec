package io.recommender.training.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Lets tests in other packages run the command line in this JVM exactly as {@code main} does, minus the exit. */
public final class TrainingJobCommandAccess {
    private TrainingJobCommandAccess() {}

    public static int execute(String... args) {
        return TrainingJobCommand.commandLine().execute(args);
    }

    /** Runs a command that must succeed; what it printed. */
    public static String output(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = execute(args);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new AssertionError("exit " + code + " from " + String.join(" ", args) + ":\n" + printed);
        }
        return printed;
    }
}
