package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An existing model bundle, as an image or a URL. Exactly one is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.image) != has(self.url)", message = "set exactly one of artifact.image and artifact.url")
public record ArtifactSpec(
        @Size(max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("Recommender image with the model bundle at /opt/recommender/bundle, preferably by digest.")
        String image,
        @Size(max = 2048) @Pattern("^(https?|s3)://\\S+$")
        @JsonPropertyDescription("URL of a model bundle archive (tar.gz of the bundle directory).")
        String url,
        @Size(max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("TensorFlow Serving image with this model's SavedModel; when unset the SavedModel is "
                + "copied from the bundle into the serving pod.")
        String tfServingImage) {}
