package io.recommender.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * Writes a bundle into a staging directory beside the target and moves it into place only on
 * {@link #commit}, so a failed run never leaves a half-written bundle where readers look.
 *
 * <pre>{@code
 * try (BundleWriter w = BundleWriter.create(out, "recommender", version)) {
 *     exportSavedModelInto(w.savedModelDir());
 *     w.writeItems(items); ...
 *     w.commit(manifest);
 * }   // not committed: the staging directory is deleted
 * }</pre>
 */
public final class BundleWriter implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path target;
    private final Path staging;
    private final String modelName;
    private final long modelVersion;
    private boolean committed;

    private BundleWriter(Path target, Path staging, String modelName, long modelVersion) {
        this.target = target;
        this.staging = staging;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
    }

    public static BundleWriter create(Path target, String modelName, long modelVersion) throws IOException {
        if (!modelName.matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
            throw new BundleException("model name '" + modelName + "' must match [a-z0-9][a-z0-9_.-]{0,62}");
        }
        if (modelVersion <= 0) {
            throw new BundleException("model version must be positive, got " + modelVersion);
        }
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.exists(abs.resolve(BundleLayout.MANIFEST)) && !isEmptyDir(abs)) {
            throw new BundleException(abs + " exists and is not a model bundle; refusing to replace it");
        }
        Files.createDirectories(abs.getParent());
        Path staging = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".partial-");
        // A temporary directory is private to its creator; a bundle is read by servers running as other users.
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        BundleWriter writer = new BundleWriter(abs, staging, modelName, modelVersion);
        Files.createDirectories(writer.savedModelDir().getParent());
        return writer;
    }

    /** Empty directory the SavedModel exporter writes into ({@code saved_model.pb}, {@code variables/}). */
    public Path savedModelDir() {
        return BundleLayout.savedModelDir(staging, modelName, modelVersion);
    }

    public String modelName() {
        return modelName;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public void writeUserInputs(FloatTable userInputs) throws IOException {
        userInputs.write(staging.resolve(BundleLayout.USER_INPUTS));
    }

    public void writeItems(FloatTable items) throws IOException {
        items.write(staging.resolve(BundleLayout.ITEMS));
    }

    public void writeItemPopularity(FloatTable popularity) throws IOException {
        if (popularity.cols() != 1) {
            throw new BundleException("item popularity must have 1 column, got " + popularity.cols());
        }
        popularity.write(staging.resolve(BundleLayout.ITEM_POPULARITY));
    }

    public void writeSeen(SeenItems seen) throws IOException {
        seen.write(staging.resolve(BundleLayout.SEEN));
    }

    public void writeTitles(Map<Integer, String> titles) throws IOException {
        Titles.write(staging.resolve(BundleLayout.TITLES), titles);
    }

    /**
     * Checksums every staged file, writes the manifest, verifies the result with {@link ModelBundle#open}
     * and moves it to the target, replacing a previous bundle there.
     */
    public Manifest commit(Manifest manifest) throws IOException {
        if (manifest.modelVersion() != modelVersion || !manifest.modelName().equals(modelName)) {
            throw new BundleException("manifest names " + manifest.modelName() + "/" + manifest.modelVersion()
                    + " but the bundle was staged as " + modelName + "/" + modelVersion);
        }
        SortedMap<String, String> files = Checksums.ofDirectory(staging);
        Manifest complete = manifest.withFiles(files);
        JSON.writeValue(staging.resolve(BundleLayout.MANIFEST).toFile(), complete);
        ModelBundle.open(staging);

        Path previous = null;
        if (Files.exists(target)) {
            previous = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(previous);
            move(target, previous);
        }
        move(staging, target);
        committed = true;
        if (previous != null) {
            deleteRecursively(previous);
        }
        return complete;
    }

    /** Deletes the staging directory unless the bundle was committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteRecursively(staging);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
