package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One model version as deployed: where it came from, its images and its offline metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelVersion(
        @JsonPropertyDescription("The model bundle's version.")
        String modelVersion,
        @JsonPropertyDescription("The spec generation that produced it.")
        Long generation,
        @JsonPropertyDescription("Hash of the spec fields that define this version (model, features, topology, images).")
        String specHash,
        @JsonPropertyDescription("Hash of the training spec that produced the model; equal hashes share a model.")
        String trainingHash,
        @JsonPropertyDescription("OnePod or TwoPod.")
        Topology topology,
        @JsonPropertyDescription("The model's name in TensorFlow Serving.")
        String modelName,
        @JsonPropertyDescription("Recommender image, by digest.")
        String image,
        @JsonPropertyDescription("TensorFlow Serving image, by digest.")
        String tfServingImage,
        @JsonPropertyDescription("Held-out metrics of the model.")
        ModelMetrics metrics,
        @JsonPropertyDescription("When it was promoted (RFC 3339).")
        String promotedAt,
        @JsonPropertyDescription("The Redis feature store the version reads (features.source Redis); absent for Bundle.")
        FeatureStoreRef features,
        @JsonPropertyDescription("Hash of the SLO whose latency gate it passed; a version from history serves again "
                + "without a new load test only under the same SLO.")
        String sloHash) {

    /** A version not yet gated, with the given feature store (null: the bundle's features). */
    public ModelVersion(String modelVersion, Long generation, String specHash, String trainingHash, Topology topology,
            String modelName, String image, String tfServingImage, ModelMetrics metrics, String promotedAt,
            FeatureStoreRef features) {
        this(modelVersion, generation, specHash, trainingHash, topology, modelName, image, tfServingImage, metrics,
                promotedAt, features, null);
    }

    /** A version not yet gated that reads its features from the bundle. */
    public ModelVersion(String modelVersion, Long generation, String specHash, String trainingHash, Topology topology,
            String modelName, String image, String tfServingImage, ModelMetrics metrics, String promotedAt) {
        this(modelVersion, generation, specHash, trainingHash, topology, modelName, image, tfServingImage, metrics,
                promotedAt, null);
    }

    public record ModelMetrics(Double rmse, Double recallAt10, Double ndcgAt10) {}

    /**
     * A Redis feature store as a version's pods reach it, resolved from the spec when the version was made (a
     * status record: the spec's rules are not repeated here).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeatureStoreRef(
            @JsonPropertyDescription("redis:// or rediss:// URL, without a password.")
            String url,
            @JsonPropertyDescription("The key prefix.")
            String prefix,
            @JsonPropertyDescription("The Secret holding the password, if any.")
            String passwordSecretName,
            @JsonPropertyDescription("The password's key in that Secret.")
            String passwordSecretKey) {}
}
