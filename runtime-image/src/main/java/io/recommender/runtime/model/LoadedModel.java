package io.recommender.runtime.model;

import io.recommender.bundle.BundleException;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.UserFeatures;
import io.recommender.runtime.retrieval.Kernels;
import io.recommender.runtime.retrieval.TopKKernel;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A verified bundle turned into what answering needs: items by row with ids and titles, the top-K kernel over
 * the item embeddings, each known user's tower input and seen rows, and the most popular rows for users the
 * model does not know. Immutable, except for the result cache of known users' rankings it owns, so a new
 * bundle always starts with an empty cache.
 */
public final class LoadedModel {
    /** The most items a request may ask for, and so the length of the popularity fallback list. */
    public static final int MAX_K = 100;

    private final Manifest manifest;
    private final int[] movieIds;
    private final String[] titles;
    private final TopKKernel kernel;
    private final int[] userIds;
    /** The bundle's user rows (memory-mapped), and each user index's row in it. */
    private final FloatTable userInputs;
    private final int[] userInputRow;
    private final int[][] seenRows;
    private final int[] popularRows;
    private final float[] popularity;
    private final boolean hasPopularity;
    private final ResultCache results;
    private final int[] sortedMovieIds;
    private final int[] rowsBySortedId;
    private final UserFeatures userFeatures;
    private final String userFeaturesProblem;

    private LoadedModel(Manifest manifest, int[] movieIds, String[] titles, TopKKernel kernel, int[] userIds,
            FloatTable userInputs, int[] userInputRow, int[][] seenRows, int[] popularRows, float[] popularity,
            ResultCache results, int[] sortedMovieIds, int[] rowsBySortedId) {
        this.manifest = manifest;
        this.movieIds = movieIds;
        this.titles = titles;
        this.kernel = kernel;
        this.userIds = userIds;
        this.userInputs = userInputs;
        this.userInputRow = userInputRow;
        this.seenRows = seenRows;
        this.popularRows = popularRows;
        this.popularity = popularity;
        boolean any = false;
        for (float p : popularity) {
            any |= p > 0;
        }
        this.hasPopularity = any;
        this.results = results;
        this.sortedMovieIds = sortedMovieIds;
        this.rowsBySortedId = rowsBySortedId;
        UserFeatures features = null;
        String problem = null;
        try {
            features = userFeatures(manifest.userFeatures());
        } catch (BundleException e) {
            problem = e.getMessage();
        }
        this.userFeatures = features;
        this.userFeaturesProblem = problem;
    }

    /** @param resultCacheSize most known users whose rankings are cached; 0 caches none */
    public static LoadedModel from(ModelBundle bundle, Kernels.Choice kernelChoice, int resultCacheSize) {
        FloatTable items = bundle.items();
        int n = items.rows();
        int[] movieIds = items.ids().clone();
        Map<Integer, String> titleMap = bundle.titles();
        String[] titles = new String[n];
        for (int row = 0; row < n; row++) {
            titles[row] = titleMap.getOrDefault(movieIds[row], "");
        }
        TopKKernel kernel = Kernels.create(kernelChoice, items.values(), n, items.cols());

        // Movie id -> row, for turning seen movie ids into excluded rows.
        int[] idOrder = IntStream.range(0, n).boxed().sorted((a, b) -> Integer.compare(movieIds[a], movieIds[b]))
                .mapToInt(Integer::intValue).toArray();
        int[] sortedIds = Arrays.stream(idOrder).map(r -> movieIds[r]).toArray();

        FloatTable inputs = bundle.userInputs();
        int users = inputs.rows();
        Integer[] userOrder = IntStream.range(0, users).boxed().toArray(Integer[]::new);
        Arrays.sort(userOrder, (a, b) -> Integer.compare(inputs.ids()[a], inputs.ids()[b]));
        int[] userIds = new int[users];
        int[] userInputRow = new int[users];
        int[][] seenRows = new int[users][];
        for (int u = 0; u < users; u++) {
            int source = userOrder[u];
            userIds[u] = inputs.ids()[source];
            userInputRow[u] = source;
            seenRows[u] = Arrays.stream(bundle.seen().seenBy(userIds[u]))
                    .map(id -> Arrays.binarySearch(sortedIds, id))
                    .filter(i -> i >= 0)
                    .map(i -> idOrder[i])
                    .sorted()
                    .toArray();
        }

        float[] counts = bundle.itemPopularity().values();
        int[] popularRows = IntStream.range(0, n).boxed()
                .sorted((a, b) -> counts[a] != counts[b] ? Float.compare(counts[b], counts[a]) : Integer.compare(a, b))
                .limit(MAX_K).mapToInt(Integer::intValue).toArray();
        ResultCache results = resultCacheSize > 0 ? new ResultCache(resultCacheSize, users) : null;
        return new LoadedModel(bundle.manifest(), movieIds, titles, kernel, userIds, inputs, userInputRow, seenRows,
                popularRows, counts.clone(), results, sortedIds, idOrder);
    }

    public Manifest manifest() {
        return manifest;
    }

    public long version() {
        return manifest.modelVersion();
    }

    public TopKKernel kernel() {
        return kernel;
    }

    public int itemCount() {
        return movieIds.length;
    }

    public int userCount() {
        return userIds.length;
    }

    public int movieId(int row) {
        return movieIds[row];
    }

    public String title(int row) {
        return titles[row];
    }

    /** Index of a user the model knows, or -1. */
    public int userIndex(int userId) {
        int u = Arrays.binarySearch(userIds, userId);
        return u < 0 ? -1 : u;
    }

    private static UserFeatures userFeatures(Manifest.UserFeatures uf) {
        if (uf == null) {
            return null;
        }
        if (!Manifest.UserFeatures.TRANSFORM.equals(uf.transform())) {
            throw new BundleException("the manifest's userFeatures are for the transformation '" + uf.transform()
                    + "', this service runs '" + Manifest.UserFeatures.TRANSFORM + "'");
        }
        try {
            return new UserFeatures(new UserFeatures.Parameters(uf.historyLength(), uf.genreShrinkage(),
                    uf.globalMean(), uf.columnMean(), uf.columnStd(), uf.oovIndex(), uf.maxHistory()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BundleException("the manifest's userFeatures are unusable: " + e.getMessage());
        }
    }

    /** The row of a movie the model knows, or -1. */
    public int itemRow(int movieId) {
        int i = Arrays.binarySearch(sortedMovieIds, movieId);
        return i < 0 ? -1 : rowsBySortedId[i];
    }

    /** The index the user tower knows a known user by: column 0 of the user's row in the bundle. */
    public int towerIndex(int userIndex) {
        return (int) userInputs.get(userInputRow[userIndex], 0);
    }

    /**
     * How a user's feature-store state becomes the tower's input row, from the manifest; null for a bundle
     * written without it (before the feature store, or imported), which can serve only its stored rows.
     */
    public UserFeatures userFeatures() {
        return userFeatures;
    }

    /** Why {@link #userFeatures()} is null though the manifest has them, or null. */
    public String userFeaturesProblem() {
        return userFeaturesProblem;
    }

    /** The user tower's input row: a copy, read from the bundle's mapped table. */
    public float[] userInput(int userIndex) {
        return userInputs.row(userInputRow[userIndex]);
    }

    /** Rows the user rated in training, ascending; shared, do not modify. */
    public int[] seenRows(int userIndex) {
        return seenRows[userIndex];
    }

    /** Rows by training rating count, most rated first ({@link #MAX_K} of them). */
    public int popularRow(int rank) {
        return popularRows[rank];
    }

    public int popularCount() {
        return popularRows.length;
    }

    /**
     * Whether any item has a popularity: a bundle imported without ratings has none, and its "most popular" items
     * would be the first rows of the item file, not a recommendation.
     */
    public boolean hasPopularity() {
        return hasPopularity;
    }

    public float popularity(int row) {
        return popularity[row];
    }

    /** The cache of known users' rankings, or null when caching is off. */
    ResultCache results() {
        return results;
    }
}
