package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An existing model, as the two images a training run packages: the recommender and TensorFlow Serving. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactSpec(
        @Required @Size(max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("Recommender image with the model bundle at /opt/recommender/bundle, preferably by digest.")
        String image,
        @Required @Size(max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("TensorFlow Serving image with the model's SavedModel at /models/<modelName>/<version>, "
                + "preferably by digest.")
        String tfServingImage,
        @Default("recommender") @Size(min = 1, max = 63) @Pattern("^[a-z0-9][a-z0-9_.-]*$")
        @JsonPropertyDescription("The model's name in TensorFlow Serving.")
        String modelName) {}
