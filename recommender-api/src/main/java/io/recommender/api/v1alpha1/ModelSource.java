package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the model comes from: trained by the operator, or an existing bundle. Exactly one is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.training) != has(self.artifact)",
        message = "set exactly one of model.training and model.artifact")
public record ModelSource(
        @JsonPropertyDescription("Train a two-tower model with a training Job.")
        TrainingSpec training,
        @JsonPropertyDescription("Serve an existing model, packaged as images.")
        ArtifactSpec artifact,
        @Size(min = 1, max = 128)
        @JsonPropertyDescription("Serve this model version (status.stable.modelVersion or one in status.history) "
                + "instead of the newest: its images by digest, without training. A version that passed the latency "
                + "gate under the same topology and SLO is promoted at once; otherwise it is load-tested first. Remove it to go back to the newest version.")
        String pinnedVersion) {

    public ModelSource(TrainingSpec training, ArtifactSpec artifact) {
        this(training, artifact, null);
    }
}
