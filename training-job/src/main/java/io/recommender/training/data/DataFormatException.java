package io.recommender.training.data;

import java.nio.file.Path;

/** Input data that cannot be used; the message names the file and, where known, the line. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(Path file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    }
}
