package io.recommender.contracts.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@code training-job materialize} loaded into the feature store, as one line of JSON: the form its
 * {@code --result-file} (a Job's termination message) takes and the operator reads into the FeaturesReady
 * condition and status. Defined once here, beside the load test's report, since two programs share it.
 *
 * @param users users whose state was written
 * @param ratings ratings replayed into those states
 * @param movies movies written to the catalog
 */
public record MaterializeResult(long users, long ratings, long movies) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public MaterializeResult {
        if (users < 0 || ratings < 0 || movies < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }

    public String toJson() {
        return "{\"users\":" + users + ",\"ratings\":" + ratings + ",\"movies\":" + movies + "}";
    }

    /** Parses {@link #toJson}'s form; the message of the exception says what is wrong in words. */
    public static MaterializeResult fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the materialize result is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the materialize result is not a JSON object");
        }
        return new MaterializeResult(count(n, "users"), count(n, "ratings"), count(n, "movies"));
    }

    private static long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("the materialize result has no whole number '" + field + "'");
        }
        return v.asLong();
    }
}
