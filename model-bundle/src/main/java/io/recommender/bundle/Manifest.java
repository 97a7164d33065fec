package io.recommender.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code manifest.json}: what a bundle is, where it came from, how good it is, and a SHA-256 per file.
 *
 * @param formatVersion bundle format version, {@link BundleLayout#FORMAT_VERSION} when written
 * @param modelName TensorFlow Serving model name (the folder under {@code saved_model/})
 * @param modelVersion positive version number (the TensorFlow Serving version folder)
 * @param createdAt ISO-8601 instant
 * @param source {@code trained} or {@code imported}
 * @param dataFingerprint SHA-256 of the training data files, or of the imported inputs
 * @param embedding shape contract between the user tower and the item matrix
 * @param hyperParameters training settings, as given on the command line
 * @param metrics held-out evaluation; absent for imported bundles
 * @param counts sizes of the data (users, items, ratings per split)
 * @param files SHA-256 (hex) of every other file, keyed by path relative to the bundle, '/'-separated
 * @param userFeatures how a user's raw feature-store state becomes the user tower's input row; absent in bundles
 *     written before it existed and in imported ones, which can then only serve their stored rows
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        int formatVersion,
        String modelName,
        long modelVersion,
        String createdAt,
        String source,
        String dataFingerprint,
        Embedding embedding,
        Map<String, Object> hyperParameters,
        Metrics metrics,
        Map<String, Long> counts,
        SortedMap<String, String> files,
        UserFeatures userFeatures) {

    public Manifest(int formatVersion, String modelName, long modelVersion, String createdAt, String source,
            String dataFingerprint, Embedding embedding, Map<String, Object> hyperParameters, Metrics metrics,
            Map<String, Long> counts, SortedMap<String, String> files) {
        this(formatVersion, modelName, modelVersion, createdAt, source, dataFingerprint, embedding, hyperParameters,
                metrics, counts, files, null);
    }

    /**
     * The parameters of the user feature transformation ({@code io.recommender.featurestore.UserFeatures}, the
     * one piece of code training and the service both run): the row is {@code [user index, side features
     * standardised with columnMean / columnStd, historyLength item indices, historyLength weights]}.
     *
     * @param transform which transformation these parameters are for ({@link #TRANSFORM})
     * @param historyLength history slots per row
     * @param genreShrinkage pseudo-count of the user's mean in each genre mean
     * @param globalMean mean training rating (the mean of a user without ratings)
     * @param columnMean per side feature column (log1p count, mean, one per genre), the standardisation mean
     * @param columnStd per side feature column, the standard deviation (below 1e-9: constant, written as 0)
     * @param oovIndex the user index the tower uses for a user it never saw
     * @param maxHistory rated movies kept per user, newest first, as the feature store keeps them
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UserFeatures(String transform, int historyLength, double genreShrinkage, double globalMean,
            double[] columnMean, double[] columnStd, int oovIndex, int maxHistory) {
        public static final String TRANSFORM = "user-state-v1";

        // By value, as the rest of the manifest compares: a bundle read back equals the one written.
        @Override
        public boolean equals(Object o) {
            return o instanceof UserFeatures u && java.util.Objects.equals(transform, u.transform)
                    && historyLength == u.historyLength && Double.compare(genreShrinkage, u.genreShrinkage) == 0
                    && Double.compare(globalMean, u.globalMean) == 0 && java.util.Arrays.equals(columnMean, u.columnMean)
                    && java.util.Arrays.equals(columnStd, u.columnStd) && oovIndex == u.oovIndex
                    && maxHistory == u.maxHistory;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(transform, historyLength, genreShrinkage, globalMean,
                    java.util.Arrays.hashCode(columnMean), java.util.Arrays.hashCode(columnStd), oovIndex, maxHistory);
        }

        @Override
        public String toString() {
            return "UserFeatures[transform=" + transform + ", historyLength=" + historyLength + ", genreShrinkage="
                    + genreShrinkage + ", globalMean=" + globalMean + ", columnMean="
                    + java.util.Arrays.toString(columnMean) + ", columnStd=" + java.util.Arrays.toString(columnStd)
                    + ", oovIndex=" + oovIndex + ", maxHistory=" + maxHistory + "]";
        }
    }

    /**
     * The user tower maps an input row of {@code userInputWidth} floats to a vector of {@code dimension}
     * floats; a movie's score for a user is the dot product of that vector with the movie's row in
     * {@code items.bin}, which has the same {@code dimension}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Embedding(
            int dimension, int userInputWidth, String signature, String inputName, String outputName) {}

    /**
     * Held-out test metrics of the model, next to the baselines of the same run on the same split and, when the
     * run was given one, the serving (stable) version's ranking on that same split.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Metrics(double rmse, double recallAt10, double ndcgAt10, Baselines baselines, Stable stable) {
        public Metrics(double rmse, double recallAt10, double ndcgAt10, Baselines baselines) {
            this(rmse, recallAt10, ndcgAt10, baselines, null);
        }
    }

    /**
     * The stable version's bundle evaluated on this run's held-out test split, answering as its service would
     * (its stored rows or its user tower on live feature-store state, its seen filter, popularity for users it
     * cannot place), over the same users and with the same metric code as this model's figures. Ranking only: a
     * bundle has no rating head, so the served model's RMSE cannot be recomputed.
     *
     * @param modelVersion the stable version's model version
     * @param features {@code bundle} or {@code live}: which of its service's answers were scored
     * @param recallAt10 mean recall@10 over {@code users}
     * @param ndcgAt10 mean NDCG@10 over {@code users}
     * @param users users with a relevant test rating (the denominator, the same as this model's)
     * @param unknownUsers of those, users the stable version could not place and answered with popularity
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stable(long modelVersion, String features, double recallAt10, double ndcgAt10, int users,
            int unknownUsers) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Baselines(
            double globalMeanRmse, double userItemBiasRmse, double mostPopularRecallAt10, double mostPopularNdcgAt10) {}

    public Manifest withFiles(SortedMap<String, String> newFiles) {
        return new Manifest(formatVersion, modelName, modelVersion, createdAt, source, dataFingerprint, embedding,
                hyperParameters, metrics, counts, newFiles, userFeatures);
    }
}
