package io.recommender.bundle;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model bundle read from disk and verified: manifest format version, a checksum for every file, every
 * required file present, and table shapes that agree with the manifest. Anything else is a
 * {@link BundleException} naming the file and the problem.
 */
public final class ModelBundle {
    private static final List<String> REQUIRED = List.of(BundleLayout.USER_INPUTS, BundleLayout.ITEMS,
            BundleLayout.ITEM_POPULARITY, BundleLayout.SEEN, BundleLayout.TITLES);

    private final Path dir;
    private final Manifest manifest;
    private final FloatTable userInputs;
    private final FloatTable items;
    private final FloatTable itemPopularity;
    private final SeenItems seen;
    private final Map<Integer, String> titles;

    private ModelBundle(Path dir, Manifest manifest, FloatTable userInputs, FloatTable items,
            FloatTable itemPopularity, SeenItems seen, Map<Integer, String> titles) {
        this.dir = dir;
        this.manifest = manifest;
        this.userInputs = userInputs;
        this.items = items;
        this.itemPopularity = itemPopularity;
        this.seen = seen;
        this.titles = titles;
    }

    /** Reads only {@code manifest.json}, without verifying the files it lists. */
    public static Manifest readManifest(Path dir) {
        Path file = dir.resolve(BundleLayout.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new BundleException(dir + ": no " + BundleLayout.MANIFEST + "; not a model bundle");
        }
        try {
            return BundleWriter.JSON.readValue(file.toFile(), Manifest.class);
        } catch (JacksonException e) {
            throw new BundleException(file + ": malformed manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static ModelBundle open(Path dir) {
        Manifest m = readManifest(dir);
        if (m.formatVersion() != BundleLayout.FORMAT_VERSION) {
            throw new BundleException(dir + ": bundle format version " + m.formatVersion()
                    + " is not supported (this build reads version " + BundleLayout.FORMAT_VERSION + ")");
        }
        if (m.modelName() == null || m.modelVersion() <= 0 || m.embedding() == null || m.files() == null) {
            throw new BundleException(dir + ": manifest lacks modelName, modelVersion, embedding or files");
        }
        verifyChecksums(dir, m);
        String savedModelPb = BundleLayout.SAVED_MODEL_ROOT + "/" + m.modelName() + "/" + m.modelVersion()
                + "/saved_model.pb";
        for (String required : concat(REQUIRED, savedModelPb)) {
            if (!m.files().containsKey(required)) {
                throw new BundleException(dir + ": manifest does not list required file " + required);
            }
        }
        try {
            // The largest table by far, and read a row at a time: left in the file.
            FloatTable userInputs = FloatTable.map(dir.resolve(BundleLayout.USER_INPUTS));
            FloatTable items = FloatTable.read(dir.resolve(BundleLayout.ITEMS));
            FloatTable popularity = FloatTable.read(dir.resolve(BundleLayout.ITEM_POPULARITY));
            SeenItems seen = SeenItems.read(dir.resolve(BundleLayout.SEEN));
            Map<Integer, String> titles = Titles.read(dir.resolve(BundleLayout.TITLES));
            Manifest.Embedding e = m.embedding();
            if (items.cols() != e.dimension()) {
                throw new BundleException(dir + ": " + BundleLayout.ITEMS + " has " + items.cols()
                        + " columns but the manifest's embedding dimension is " + e.dimension());
            }
            if (userInputs.cols() != e.userInputWidth()) {
                throw new BundleException(dir + ": " + BundleLayout.USER_INPUTS + " has " + userInputs.cols()
                        + " columns but the manifest's user input width is " + e.userInputWidth());
            }
            Manifest.UserFeatures uf = m.userFeatures();
            if (uf != null && (uf.columnMean() == null || uf.columnStd() == null
                    || uf.columnMean().length != uf.columnStd().length
                    || 1 + uf.columnMean().length + 2 * uf.historyLength() != e.userInputWidth())) {
                throw new BundleException(dir + ": the manifest's userFeatures (" + uf.historyLength()
                        + " history slots, " + (uf.columnMean() == null ? 0 : uf.columnMean().length)
                        + " side features) do not make rows of the user input width " + e.userInputWidth());
            }
            if (popularity.rows() != items.rows()) {
                throw new BundleException(dir + ": " + BundleLayout.ITEM_POPULARITY + " has " + popularity.rows()
                        + " rows but " + BundleLayout.ITEMS + " has " + items.rows());
            }
            return new ModelBundle(dir, m, userInputs, items, popularity, seen, titles);
        } catch (IOException ex) {
            throw new BundleException(dir + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    private static void verifyChecksums(Path dir, Manifest m) {
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> f : m.files().entrySet()) {
            Path file = root.resolve(f.getKey()).normalize();
            if (!file.startsWith(root)) {
                throw new BundleException(dir + ": manifest lists a path outside the bundle: " + f.getKey());
            }
            if (!Files.isRegularFile(file)) {
                throw new BundleException(dir + ": " + f.getKey() + " is listed in the manifest but missing");
            }
            try {
                String actual = Checksums.sha256Hex(file);
                if (!actual.equalsIgnoreCase(f.getValue())) {
                    throw new BundleException(dir + ": checksum mismatch for " + f.getKey() + " (manifest "
                            + f.getValue() + ", file " + actual + "): the bundle is corrupt");
                }
            } catch (IOException e) {
                throw new BundleException(dir + ": cannot read " + f.getKey() + ": " + e.getMessage(), e);
            }
        }
    }

    private static List<String> concat(List<String> list, String extra) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(extra)).toList();
    }

    public Path directory() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** TensorFlow Serving's {@code --model_base_path} for this bundle. */
    public Path modelBasePath() {
        return BundleLayout.modelBasePath(dir, manifest.modelName());
    }

    public Path savedModelDir() {
        return BundleLayout.savedModelDir(dir, manifest.modelName(), manifest.modelVersion());
    }

    public FloatTable userInputs() {
        return userInputs;
    }

    public FloatTable items() {
        return items;
    }

    public FloatTable itemPopularity() {
        return itemPopularity;
    }

    public SeenItems seen() {
        return seen;
    }

    public Map<Integer, String> titles() {
        return titles;
    }
}
