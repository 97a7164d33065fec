package io.recommender.operator.naming;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recommender.api.v1alpha1.ModelSource;
import io.recommender.api.v1alpha1.RecommenderSpec;
import io.recommender.api.v1alpha1.RegistrySpec;
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

    /** Model (without its training schedule), features, topology and serving images. */
    public static String version(RecommenderSpec spec) {
        Map<String, Object> parts = new LinkedHashMap<>();
        ModelSource m = spec.model();
        parts.put("model", m.training() == null ? m
                : new ModelSource(m.training().withoutSchedule(), m.artifact(), m.pinnedVersion()));
        parts.put("features", spec.features());
        parts.put("topology", spec.topology());
        ServingSpec s = spec.serving();
        parts.put("image", s == null ? null : s.image());
        parts.put("tfServingImage", s == null ? null : s.tfServingImage());
        return hash(parts);
    }

    /**
     * The SLO (without its live analysis, which gates nothing): a version that passed the latency gate under it may
     * serve again without a new load test.
     */
    public static String slo(RecommenderSpec spec) {
        return hash(spec.slo().withoutAnalysis());
    }

    /**
     * What a training Job produces from: the training spec, the repository its images go to and their base
     * images. Versions with equal training hashes share one trained and packaged model. The lifecycle policy's
     * keepVersions is left out: changing it retrains nothing.
     */
    public static String training(RecommenderSpec spec) {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("training", spec.model().training().withoutSchedule());
        if (spec.quality() != null) {
            // The training Job's package step checks it before pushing (absent: the hash is as before).
            parts.put("quality", spec.quality());
        }
        RegistrySpec reg = spec.registry();
        parts.put("repository", reg == null ? null : reg.ecr() != null
                ? "ecr:" + reg.ecr().region() + "/" + reg.ecr().repository() : reg.oci().repository());
        ServingSpec s = spec.serving();
        parts.put("runtimeBase", s == null ? null : s.image());
        parts.put("tfServingBase", s == null ? null : s.tfServingImage());
        return hash(parts);
    }

    /**
     * The training hash of a scheduled run: the spec's, made new by the run's tick, so the run has a training Job
     * and a version of its own.
     */
    public static String trainingRun(String trainingHash, String run) {
        return hash(trainingHash + "@" + run);
    }

    /** A hash of any value's JSON form (maps by key), for names that must change when the value does. */
    public static String of(Object value) {
        return hash(value);
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
