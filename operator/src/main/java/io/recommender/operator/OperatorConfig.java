package io.recommender.operator;

import java.net.URI;
import java.util.Map;

/**
 * Images and endpoints the operator uses when a Recommender names none, read from the operator's environment so
 * a mirror or an air-gapped registry is one setting away.
 *
 * @param trainingImage training-job image (RECOMMENDER_TRAINING_IMAGE); its {@code package} command is the
 *     packaging step too
 * @param loadTestImage load-test image for the latency gate (RECOMMENDER_LOAD_TEST_IMAGE)
 * @param runtimeImage base of a trained model's recommender image (RECOMMENDER_RUNTIME_IMAGE); a Recommender's
 *     serving.image replaces it
 * @param tfServingImage base of a trained model's TensorFlow Serving image (RECOMMENDER_TFSERVING_IMAGE); a
 *     Recommender's serving.tfServingImage replaces it
 * @param ecrEndpoint ECR API endpoint (RECOMMENDER_ECR_ENDPOINT), for VPC endpoints and emulators; null: the
 *     region's public endpoint
 */
public record OperatorConfig(String trainingImage, String loadTestImage, String runtimeImage, String tfServingImage,
        URI ecrEndpoint) {
    public static final String DEFAULT_TRAINING_IMAGE = "ghcr.io/recommender-operator/training-job:0.1.0";
    public static final String DEFAULT_LOAD_TEST_IMAGE = "ghcr.io/recommender-operator/load-test:0.1.0";
    public static final String DEFAULT_RUNTIME_IMAGE = "ghcr.io/recommender-operator/runtime:0.1.0";
    public static final String DEFAULT_TFSERVING_IMAGE = "docker.io/tensorflow/serving:2.18.0";

    public OperatorConfig(String trainingImage, String loadTestImage) {
        this(trainingImage, loadTestImage, DEFAULT_RUNTIME_IMAGE, DEFAULT_TFSERVING_IMAGE, null);
    }

    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("RECOMMENDER_ECR_ENDPOINT");
        return new OperatorConfig(env.getOrDefault("RECOMMENDER_TRAINING_IMAGE", DEFAULT_TRAINING_IMAGE),
                env.getOrDefault("RECOMMENDER_LOAD_TEST_IMAGE", DEFAULT_LOAD_TEST_IMAGE),
                env.getOrDefault("RECOMMENDER_RUNTIME_IMAGE", DEFAULT_RUNTIME_IMAGE),
                env.getOrDefault("RECOMMENDER_TFSERVING_IMAGE", DEFAULT_TFSERVING_IMAGE),
                endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint));
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
