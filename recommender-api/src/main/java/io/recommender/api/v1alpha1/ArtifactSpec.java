package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An existing model, as the two images a training run packages: the recommender and TensorFlow Serving. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.image) || " + ImageReference.RULE_IMAGE, fieldPath = ".image",
        message = "image " + ImageReference.MESSAGE)
@ValidationRule(value = "!has(self.tfServingImage) || " + ImageReference.RULE_TF_SERVING_IMAGE,
        fieldPath = ".tfServingImage", message = "tfServingImage " + ImageReference.MESSAGE)
@ValidationRule(value = "!has(self.modelName) || self.modelName.matches('^[a-z0-9][a-z0-9_.-]*$')",
        fieldPath = ".modelName", message = "modelName must start with a lower-case letter or digit and hold only "
                + "lower-case letters, digits, '_', '.' and '-', e.g. movies")
public record ArtifactSpec(
        @Required @Size(max = 512)
        @JsonPropertyDescription("Recommender image with the model bundle at /opt/recommender/bundle, preferably by digest.")
        String image,
        @Required @Size(max = 512)
        @JsonPropertyDescription("TensorFlow Serving image with the model's SavedModel at /models/<modelName>/<version>, "
                + "preferably by digest.")
        String tfServingImage,
        @Default("recommender") @Size(max = 63)
        @JsonPropertyDescription("The model's name in TensorFlow Serving: lower-case letters, digits, '_', '.' and '-'.")
        String modelName) {}
