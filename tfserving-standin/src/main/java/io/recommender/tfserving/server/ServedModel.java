package io.recommender.tfserving.server;

import io.recommender.savedmodel.SavedModelException;
import io.recommender.savedmodel.SavedModelRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One model as TensorFlow Serving serves it by default: the highest numbered version folder under
 * {@code --model_base_path}, loaded once at start.
 */
public record ServedModel(String name, long version, SavedModelRunner runner) implements AutoCloseable {

    public static ServedModel loadLatest(String name, Path basePath, String signatureKey, int threads) {
        long version = latestVersion(basePath).orElseThrow(() -> new SavedModelException(basePath
                + ": no numeric version folder (e.g. " + basePath.resolve("1") + ") holding a SavedModel"));
        return new ServedModel(name, version,
                SavedModelRunner.load(basePath.resolve(Long.toString(version)), signatureKey, threads));
    }

    static Optional<Long> latestVersion(Path basePath) {
        if (!Files.isDirectory(basePath)) {
            throw new SavedModelException(basePath + ": model base path is not a directory");
        }
        try (Stream<Path> dirs = Files.list(basePath)) {
            return dirs.filter(d -> d.getFileName().toString().matches("[0-9]{1,18}"))
                    .filter(d -> Files.isRegularFile(d.resolve("saved_model.pb")))
                    .map(d -> Long.parseLong(d.getFileName().toString()))
                    .max(Comparator.naturalOrder());
        } catch (IOException e) {
            throw new SavedModelException(basePath + ": cannot list versions: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        runner.close();
    }
}
