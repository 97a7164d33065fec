package io.recommender.operator;

import java.util.Map;

/**
 * Images the operator uses when a Recommender names none, read from the operator's environment so a
 * mirror or an air-gapped registry is one setting away.
 *
 * @param trainingImage training-job image (RECOMMENDER_TRAINING_IMAGE)
 * @param loadTestImage load-test image for the latency gate (RECOMMENDER_LOAD_TEST_IMAGE)
 */
public record OperatorConfig(String trainingImage, String loadTestImage) {
    public static final String DEFAULT_TRAINING_IMAGE = "ghcr.io/recommender-operator/training-job:0.1.0";
    public static final String DEFAULT_LOAD_TEST_IMAGE = "ghcr.io/recommender-operator/load-test:0.1.0";

    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        return new OperatorConfig(env.getOrDefault("RECOMMENDER_TRAINING_IMAGE", DEFAULT_TRAINING_IMAGE),
                env.getOrDefault("RECOMMENDER_LOAD_TEST_IMAGE", DEFAULT_LOAD_TEST_IMAGE));
    }

    private static OperatorConfig current = fromEnvironment(System.getenv());

    /** The configuration dependents read; set once at start-up (and by tests). */
    public static OperatorConfig current() {
        return current;
    }

    public static void use(OperatorConfig config) {
        current = config;
    }
}
