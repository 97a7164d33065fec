package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The serving pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.replicas) && has(self.autoscaling))",
        message = "set serving.replicas or serving.autoscaling, not both")
@ValidationRule(value = "!has(self.image) || " + ImageReference.RULE_IMAGE, fieldPath = ".image",
        message = "image " + ImageReference.MESSAGE)
@ValidationRule(value = "!has(self.tfServingImage) || " + ImageReference.RULE_TF_SERVING_IMAGE,
        fieldPath = ".tfServingImage", message = "tfServingImage " + ImageReference.MESSAGE)
public record ServingSpec(
        @Min(1) @Max(100) @JsonPropertyDescription("Fixed number of recommender pods, 1 to 100 (1 when neither this nor "
                + "autoscaling is set); a candidate gets as many for its load test.")
        Integer replicas,
        @JsonPropertyDescription("Scale the recommender pods on CPU with a HorizontalPodAutoscaler.")
        AutoscalingSpec autoscaling,
        @JsonPropertyDescription("Resources of the recommender container.")
        ComputeResources resources,
        @JsonPropertyDescription("Resources of the TensorFlow Serving container.")
        ComputeResources tfServingResources,
        @Size(max = 512)
        @JsonPropertyDescription("Recommender runtime image; the operator's default when unset.")
        String image,
        @Size(max = 512)
        @JsonPropertyDescription("TensorFlow Serving base image, e.g. a mirror of tensorflow/serving.")
        String tfServingImage,
        @Default("8080") @Min(1) @Max(65535) @JsonPropertyDescription("Port of the recommender Service.")
        Integer port) {

    @ValidationRule(value = "self.minReplicas <= self.maxReplicas",
            message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas", fieldPath = ".minReplicas")
    public record AutoscalingSpec(
            @Default("1") @Min(1) @Max(100) Integer minReplicas,
            @io.fabric8.generator.annotation.Required @Min(1) @Max(1000) Integer maxReplicas,
            @Default("70") @Min(1) @Max(100) Integer targetCPUUtilizationPercentage) {}
}
