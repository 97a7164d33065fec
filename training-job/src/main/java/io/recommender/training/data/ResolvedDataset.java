package io.recommender.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A dataset as a local directory with movies.csv and ratings.csv. Closing it deletes what was downloaded for
 * it (nothing for a bundled or local dataset).
 */
public final class ResolvedDataset implements AutoCloseable {
    private final Path directory;
    private final Path scratch;

    ResolvedDataset(Path directory, Path scratch) {
        this.directory = directory;
        this.scratch = scratch;
    }

    public Path directory() {
        return directory;
    }

    /** True when the files were downloaded (and are deleted on close). */
    public boolean downloaded() {
        return scratch != null;
    }

    @Override
    public void close() {
        if (scratch != null) {
            deleteTree(scratch);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
