package io.recommender.bundle;

import java.nio.file.Path;

/**
 * Where each part of a model bundle lives, relative to the bundle directory.
 *
 * <pre>
 * manifest.json                                  metadata, metrics and a SHA-256 per file
 * saved_model/&lt;modelName&gt;/&lt;modelVersion&gt;/   user tower SavedModel, laid out as TensorFlow Serving expects
 * user_inputs.bin                                user tower input row per known user ({@link FloatTable})
 * items.bin                                      item embedding matrix, one row per movie ({@link FloatTable})
 * item_popularity.bin                            training rating count per movie ({@link FloatTable}, 1 column)
 * seen.bin                                       items each user rated in training ({@link SeenItems})
 * titles.tsv                                     movie id, tab, title
 * </pre>
 */
public final class BundleLayout {
    public static final int FORMAT_VERSION = 1;

    /**
     * Where a recommender image holds its bundle (the training job's packager puts it there, the service reads it
     * there by default, the gate Job's init container reads the users from it).
     */
    public static final String IMAGE_DIR = "/opt/recommender/bundle";
    public static final String MANIFEST = "manifest.json";
    public static final String SAVED_MODEL_ROOT = "saved_model";
    public static final String USER_INPUTS = "user_inputs.bin";
    public static final String ITEMS = "items.bin";
    public static final String ITEM_POPULARITY = "item_popularity.bin";
    public static final String SEEN = "seen.bin";
    public static final String TITLES = "titles.tsv";

    /** Signature, input and output names of the user tower, the contract with TensorFlow Serving. */
    public static final String SIGNATURE = "serving_default";
    public static final String SIGNATURE_INPUT = "features";
    public static final String SIGNATURE_OUTPUT = "embedding";

    private BundleLayout() {}

    /** The directory TensorFlow Serving's {@code --model_base_path} points at: holds one folder per version. */
    public static Path modelBasePath(Path bundle, String modelName) {
        return bundle.resolve(SAVED_MODEL_ROOT).resolve(modelName);
    }

    /** The SavedModel directory of one version ({@code saved_model.pb} and {@code variables/}). */
    public static Path savedModelDir(Path bundle, String modelName, long modelVersion) {
        return modelBasePath(bundle, modelName).resolve(Long.toString(modelVersion));
    }
}
