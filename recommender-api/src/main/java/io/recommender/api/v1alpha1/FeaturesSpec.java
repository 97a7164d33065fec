package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Where user and item features come from. */
public record FeaturesSpec(
        @Default("Bundle") @JsonPropertyDescription("Bundle: the features stored in the model bundle at training time.")
        FeatureSource source) {

    public enum FeatureSource {
        Bundle
    }
}
