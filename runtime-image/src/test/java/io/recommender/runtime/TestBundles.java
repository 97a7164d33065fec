package io.recommender.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.recommender.bundle.BundleException;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.BundleWriter;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.bundle.SeenItems;
import io.recommender.savedmodel.SavedModelFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real model bundles for tests: a TensorFlow Java SavedModel of a small seeded user tower plus seeded random
 * item embeddings, seen items, titles and popularity, written with the bundle module's writer. Known users
 * have odd ids; even ids are unknown to the model.
 */
public final class TestBundles {
    public static final String MODEL = "movies";
    public static final long VERSION = 3;
    public static final int USERS = 40;
    public static final int ITEMS = 517;
    public static final int INPUT_WIDTH = 6;
    public static final int DIMENSION = 12;
    public static final SavedModelFixtures.Tower TOWER = SavedModelFixtures.randomTower(42, INPUT_WIDTH, 16, DIMENSION);

    /** Distinct item vectors of {@link #tied()}: each is shared by ~10 items, so scores tie in groups. */
    public static final int TIED_DISTINCT_ITEMS = 53;

    /** Where {@link #real()} trains the ml-latest-small bundle, relative to the module directory. */
    static final Path TRAINED = Path.of("target/real-bundle/ml-latest-small");
    static final Path TRAINING_JAR = Path.of("../training-job/target/training-job.jar");
    static final Path DATA = Path.of("../data/ml-latest-small");

    /** {@link #live()}'s history slots: its rows are the feature store's shape, 1 + 21 side features + 2 x 2. */
    public static final int LIVE_HISTORY = 2;
    public static final int LIVE_INPUT_WIDTH = 1 + 21 + 2 * LIVE_HISTORY;

    private static Path standard;
    private static Path tied;
    private static Path live;

    private TestBundles() {}

    /** The shared fixture bundle, written once per test JVM. */
    public static synchronized Path standard() {
        if (standard == null) {
            try {
                Path dir = Files.createTempDirectory("runtime-test-bundles");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                standard = write(dir.resolve("bundle"), TOWER, INPUT_WIDTH, VERSION);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return standard;
    }

    /**
     * Like {@link #standard()}, but item row {@code i} has the embedding of row {@code i % }
     * {@link #TIED_DISTINCT_ITEMS}: every known user's answer is groups of equal scores, ordered by row.
     */
    public static synchronized Path tied() {
        if (tied == null) {
            try {
                Path dir = Files.createTempDirectory("runtime-test-bundles");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                tied = write(dir.resolve("bundle"), TOWER, INPUT_WIDTH, VERSION, TIED_DISTINCT_ITEMS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tied;
    }

    /**
     * Like {@link #standard()}, with rows of the feature store's shape and user feature parameters in the manifest,
     * so it can be served with {@code RECOMMENDER_FEATURE_SOURCE=redis}.
     */
    public static synchronized Path live() {
        if (live == null) {
            try {
                Path dir = Files.createTempDirectory("runtime-test-bundles");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                live = writeLive(dir.resolve("bundle"), Manifest.UserFeatures.TRANSFORM);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return live;
    }

    /** A bundle like {@link #live()} whose manifest names the feature transformation {@code transform}. */
    public static Path writeLive(Path dir, String transform) throws IOException {
        double[] mean = new double[21];
        double[] std = new double[21];
        Arrays.fill(std, 1.0);
        return write(dir, SavedModelFixtures.randomTower(43, LIVE_INPUT_WIDTH, 16, DIMENSION), LIVE_INPUT_WIDTH, VERSION,
                ITEMS, new Manifest.UserFeatures(transform, LIVE_HISTORY, 2.0, 3.5, mean, std, USERS, 5000));
    }

    /**
     * Epochs of the real bundle trained here: its shape (vectors, history, features) is the default model's, and the
     * tests need a real model, not the best one, so a tenth of a full run's epochs.
     */
    static final int REAL_EPOCHS = 15;

    /**
     * The real ml-latest-small bundle: {@code -Drecommender.real-bundle=DIR} if given, else trained here (default
     * settings, {@link #REAL_EPOCHS} epochs) with the training job's jar (present after training-job is packaged, e.g. in {@code mvn verify}) on the project's
     * MovieLens data; without either the calling test is skipped.
     */
    public static Path real() throws IOException, InterruptedException {
        String given = System.getProperty("recommender.real-bundle");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        // A bundle left by a build from before the feature store has no userFeatures, and one older than the
        // training job's jar may be another model's: both are trained again.
        if (isBundle(TRAINED) && ModelBundle.readManifest(TRAINED).userFeatures() != null
                && !olderThan(TRAINED.resolve("manifest.json"), TRAINING_JAR)) {
            return TRAINED;
        }
        assumeTrue(Files.isRegularFile(TRAINING_JAR) && Files.isDirectory(DATA),
                "no real bundle: needs " + TRAINING_JAR + " and " + DATA + ", or -Drecommender.real-bundle");
        Files.createDirectories(TRAINED.getParent());
        Path log = TRAINED.getParent().resolve("train.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                TRAINING_JAR.toString(), "train", "--data", DATA.toString(), "--out", TRAINED.toString(),
                "--epochs", Integer.toString(REAL_EPOCHS))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("training finished, see " + log).isTrue();
        assertThat(p.exitValue()).as("training exit code, see " + log).isZero();
        return TRAINED;
    }

    private static boolean olderThan(Path file, Path other) throws IOException {
        return Files.isRegularFile(other)
                && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(other)) < 0;
    }

    private static boolean isBundle(Path dir) {
        try {
            ModelBundle.open(dir);
            return true;
        } catch (BundleException e) {
            return false;
        }
    }

    /**
     * Writes a bundle whose manifest and user inputs say {@code declaredInputWidth}, with {@code tower} as the
     * SavedModel: a width different from the tower's makes a verified but incompatible bundle.
     */
    public static Path write(Path dir, SavedModelFixtures.Tower tower, int declaredInputWidth, long version)
            throws IOException {
        return write(dir, tower, declaredInputWidth, version, ITEMS);
    }

    private static Path write(Path dir, SavedModelFixtures.Tower tower, int declaredInputWidth, long version,
            int distinctItems) throws IOException {
        return write(dir, tower, declaredInputWidth, version, distinctItems, null);
    }

    private static Path write(Path dir, SavedModelFixtures.Tower tower, int declaredInputWidth, long version,
            int distinctItems, Manifest.UserFeatures userFeatures) throws IOException {
        Random r = new Random(1234);
        int[] userIds = new int[USERS];
        float[] inputs = new float[USERS * declaredInputWidth];
        for (int u = 0; u < USERS; u++) {
            userIds[u] = 2 * (USERS - u) - 1;
            for (int j = 0; j < declaredInputWidth; j++) {
                inputs[u * declaredInputWidth + j] = (float) r.nextGaussian();
            }
        }
        Set<Integer> ids = new LinkedHashSet<>();
        while (ids.size() < ITEMS) {
            ids.add(1 + r.nextInt(200_000));
        }
        int[] movieIds = ids.stream().mapToInt(Integer::intValue).toArray();
        float[] items = new float[ITEMS * tower.dimension()];
        for (int i = 0; i < items.length; i++) {
            items[i] = (float) r.nextGaussian() * 0.3f;
        }
        int d = tower.dimension();
        for (int row = distinctItems; row < ITEMS; row++) {
            System.arraycopy(items, (row % distinctItems) * d, items, row * d, d);
        }
        float[] popularity = new float[ITEMS];
        Map<Integer, String> titles = new HashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            popularity[i] = r.nextInt(300);
            titles.put(movieIds[i], "Movie " + movieIds[i] + " (19" + (10 + i % 90) + ")");
        }
        int[][] seen = new int[USERS][];
        for (int u = 0; u < USERS; u++) {
            seen[u] = r.ints(3 + r.nextInt(60), 0, ITEMS).distinct().map(i -> movieIds[i]).toArray();
        }
        try (BundleWriter w = BundleWriter.create(dir, MODEL, version)) {
            SavedModelFixtures.export(tower, w.savedModelDir());
            w.writeUserInputs(new FloatTable(userIds, declaredInputWidth, inputs));
            w.writeItems(new FloatTable(movieIds, tower.dimension(), items));
            w.writeItemPopularity(new FloatTable(movieIds, 1, popularity));
            w.writeSeen(SeenItems.of(userIds, seen));
            w.writeTitles(titles);
            w.commit(new Manifest(BundleLayout.FORMAT_VERSION, MODEL, version, "2026-11-27T00:00:00Z", "test fixture",
                    "seed-1234", new Manifest.Embedding(tower.dimension(), declaredInputWidth, BundleLayout.SIGNATURE,
                            BundleLayout.SIGNATURE_INPUT, BundleLayout.SIGNATURE_OUTPUT),
                    Map.of(), new Manifest.Metrics(0.9, 0.05, 0.06, new Manifest.Baselines(1.0, 0.95, 0.03, 0.04)),
                    Map.of("users", (long) USERS, "items", (long) ITEMS), new TreeMap<>(), userFeatures));
        }
        return dir;
    }

    /**
     * The expected answer, computed independently of the service: the tower in double precision, a dot
     * product with every item, seen items dropped, sorted by score. Entries are (movie id, score).
     */
    public static List<double[]> bruteForce(Path bundleDir, int userId, int k) {
        ModelBundle b = ModelBundle.open(bundleDir);
        int userRow = -1;
        for (int i = 0; i < b.userInputs().rows(); i++) {
            if (b.userInputs().ids()[i] == userId) {
                userRow = i;
            }
        }
        if (userRow < 0) {
            throw new IllegalArgumentException("unknown user " + userId);
        }
        double[] user = TOWER.apply(b.userInputs().row(userRow));
        int[] seen = b.seen().seenBy(userId);
        List<double[]> scored = new ArrayList<>();
        for (int row = 0; row < b.items().rows(); row++) {
            int movie = b.items().ids()[row];
            if (Arrays.binarySearch(seen, movie) >= 0) {
                continue;
            }
            double s = 0;
            for (int j = 0; j < user.length; j++) {
                s += user[j] * b.items().get(row, j);
            }
            scored.add(new double[] {movie, s});
        }
        scored.sort(Comparator.comparingDouble((double[] e) -> -e[1]));
        return scored.subList(0, Math.min(k, scored.size()));
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit; the directory is under the system temp dir anyway
        }
    }
}
