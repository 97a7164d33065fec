package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where user and item features come from. */
@ValidationRule(value = "!has(self.source) || self.source == 'Bundle'", fieldPath = ".source",
        messageExpression = "'source \"' + self.source + '\" is not Bundle (the only source so far)'")
public record FeaturesSpec(
        @Default("Bundle") @SchemaFrom(type = String.class) @Size(max = 16)
        @JsonPropertyDescription("Bundle: the features stored in the model bundle at training time.")
        FeatureSource source) {

    public enum FeatureSource {
        Bundle
    }
}
