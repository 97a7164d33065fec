package io.recommender.operator;

import java.net.URI;
import java.util.Map;

/**
 * Images and endpoints the operator uses when a Recommender names none, read from the operator's environment so
 * a mirror or an air-gapped registry is one setting away.
 *
 * @param trainingImage training-job image (RECOMMENDER_TRAINING_IMAGE) for CPU training; its {@code package} command
 *     is the packaging step too
 * @param loadTestImage load-test image for the latency gate (RECOMMENDER_LOAD_TEST_IMAGE)
 * @param runtimeImage base of a trained model's recommender image (RECOMMENDER_RUNTIME_IMAGE); a Recommender's
 *     serving.image replaces it
 * @param tfServingImage base of a trained model's TensorFlow Serving image (RECOMMENDER_TFSERVING_IMAGE); a
 *     Recommender's serving.tfServingImage replaces it
 * @param ecrEndpoint ECR API endpoint (RECOMMENDER_ECR_ENDPOINT), for VPC endpoints and emulators; null: the
 *     region's public endpoint
 * @param eks the EKS cluster the operator runs in, whose GPU node groups it scales for training; null: not on EKS
 *     (RECOMMENDER_EKS_CLUSTER unset), nothing is called
 * @param trainingGpuImage the training image for {@code gpus > 0} (RECOMMENDER_TRAINING_GPU_IMAGE): TensorFlow's GPU
 *     build with the CUDA and cuDNN libraries, several GB, so CPU training keeps the small image
 */
public record OperatorConfig(String trainingImage, String loadTestImage, String runtimeImage, String tfServingImage,
        URI ecrEndpoint, Eks eks, String trainingGpuImage) {
    public static final String DEFAULT_TRAINING_IMAGE = "ghcr.io/recommender-operator/training-job:0.1.0";
    public static final String DEFAULT_TRAINING_GPU_IMAGE = "ghcr.io/recommender-operator/training-job:0.1.0-gpu";
    public static final String DEFAULT_LOAD_TEST_IMAGE = "ghcr.io/recommender-operator/load-test:0.1.0";
    public static final String DEFAULT_RUNTIME_IMAGE = "ghcr.io/recommender-operator/runtime:0.1.0";
    public static final String DEFAULT_TFSERVING_IMAGE = "docker.io/tensorflow/serving:2.18.0";

    /**
     * @param cluster RECOMMENDER_EKS_CLUSTER
     * @param region RECOMMENDER_EKS_REGION, else AWS_REGION, else AWS_DEFAULT_REGION (EKS sets the last two for IRSA)
     * @param endpoint RECOMMENDER_EKS_ENDPOINT, for VPC endpoints and emulators; null: the region's own
     * @param namespace where the operator records the node groups it scaled up (a ConfigMap): POD_NAMESPACE, else
     *     recommender-system
     */
    public record Eks(String cluster, String region, URI endpoint, String namespace) {
        public Eks {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("RECOMMENDER_EKS_CLUSTER is " + cluster + " but no AWS region is "
                        + "set: set RECOMMENDER_EKS_REGION (or AWS_REGION)");
            }
        }
    }

    public OperatorConfig(String trainingImage, String loadTestImage, String runtimeImage, String tfServingImage,
            URI ecrEndpoint, Eks eks) {
        this(trainingImage, loadTestImage, runtimeImage, tfServingImage, ecrEndpoint, eks, DEFAULT_TRAINING_GPU_IMAGE);
    }

    public OperatorConfig(String trainingImage, String loadTestImage, String runtimeImage, String tfServingImage,
            URI ecrEndpoint) {
        this(trainingImage, loadTestImage, runtimeImage, tfServingImage, ecrEndpoint, null);
    }

    public OperatorConfig(String trainingImage, String loadTestImage) {
        this(trainingImage, loadTestImage, DEFAULT_RUNTIME_IMAGE, DEFAULT_TFSERVING_IMAGE, null);
    }

    public static OperatorConfig fromEnvironment(Map<String, String> env) {
        return new OperatorConfig(env.getOrDefault("RECOMMENDER_TRAINING_IMAGE", DEFAULT_TRAINING_IMAGE),
                env.getOrDefault("RECOMMENDER_LOAD_TEST_IMAGE", DEFAULT_LOAD_TEST_IMAGE),
                env.getOrDefault("RECOMMENDER_RUNTIME_IMAGE", DEFAULT_RUNTIME_IMAGE),
                env.getOrDefault("RECOMMENDER_TFSERVING_IMAGE", DEFAULT_TFSERVING_IMAGE),
                uri(env.get("RECOMMENDER_ECR_ENDPOINT")), eks(env),
                env.getOrDefault("RECOMMENDER_TRAINING_GPU_IMAGE", DEFAULT_TRAINING_GPU_IMAGE));
    }

    static Eks eks(Map<String, String> env) {
        String cluster = blankToNull(env.get("RECOMMENDER_EKS_CLUSTER"));
        if (cluster == null) {
            return null;
        }
        String region = blankToNull(env.get("RECOMMENDER_EKS_REGION"));
        region = region != null ? region : blankToNull(env.get("AWS_REGION"));
        region = region != null ? region : blankToNull(env.get("AWS_DEFAULT_REGION"));
        String namespace = blankToNull(env.get("POD_NAMESPACE"));
        return new Eks(cluster, region, uri(env.get("RECOMMENDER_EKS_ENDPOINT")),
                namespace == null ? "recommender-system" : namespace);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static URI uri(String s) {
        return blankToNull(s) == null ? null : URI.create(s.trim());
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
