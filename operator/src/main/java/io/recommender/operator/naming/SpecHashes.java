package io.recommender.operator.naming;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.ServingSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hashes of the spec fields that define a version. A change to any of them makes a new candidate that
 * must pass the latency gate; replicas, autoscaling and resources apply to the stable version directly.
 */
public final class SpecHashes {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private SpecHashes() {}

    /** Model, features, topology and serving images. */
    public static String version(RecommenderSpec spec) {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("model", spec.model());
        parts.put("features", spec.features());
        parts.put("topology", spec.topology());
        ServingSpec s = spec.serving();
        parts.put("image", s == null ? null : s.image());
        parts.put("tfServingImage", s == null ? null : s.tfServingImage());
        return hash(parts);
    }

    /** The training spec alone: versions with equal training hashes share one trained model. */
    public static String training(RecommenderSpec spec) {
        return hash(spec.model().training());
    }

    public static String shortHash(String value) {
        return sha256(value.getBytes(StandardCharsets.UTF_8)).substring(0, 6);
    }

    private static String hash(Object value) {
        try {
            return sha256(JSON.writeValueAsBytes(value)).substring(0, 10);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("spec cannot be serialised", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
