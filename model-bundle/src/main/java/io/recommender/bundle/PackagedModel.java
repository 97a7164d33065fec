package io.recommender.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a training Job hands back to the operator, as its container's termination message: the trained
 * model's identity, the images it was packaged into (by digest), its held-out metrics and the stable version's on
 * the same split (when it was compared with one). Small by design:
 * a termination message holds at most 4096 bytes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PackagedModel(
        String modelName,
        long modelVersion,
        String image,
        String tfServingImage,
        Double rmse,
        Double recallAt10,
        Double ndcgAt10,
        Manifest.Stable stable) {

    public PackagedModel(String modelName, long modelVersion, String image, String tfServingImage, Double rmse,
            Double recallAt10, Double ndcgAt10) {
        this(modelName, modelVersion, image, tfServingImage, rmse, recallAt10, ndcgAt10, null);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks a training Job's result; the message says what is wrong. */
    public static PackagedModel fromJson(String json) {
        PackagedModel m;
        try {
            m = JSON.readValue(json, PackagedModel.class);
        } catch (JacksonException e) {
            throw new BundleException("training result is not valid JSON: " + e.getOriginalMessage());
        }
        if (m.modelName() == null || m.modelVersion() <= 0 || m.image() == null || m.tfServingImage() == null) {
            throw new BundleException("training result lacks modelName, modelVersion, image or tfServingImage");
        }
        return m;
    }
}
