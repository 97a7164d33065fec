package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What the user asks for. The operator never writes to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.model.training) || has(self.registry)",
        message = "model.training needs registry: the trained model's images are pushed there", fieldPath = ".registry")
@ValidationRule(value = "!has(self.quality) || has(self.model.training)", fieldPath = ".quality",
        message = "quality applies to trained models: an artifact has no held-out metrics to check")
@ValidationRule(value = "!has(self.registry) || !has(self.registry.ecr) || !has(self.registry.ecr.keepVersions) "
        + "|| self.registry.ecr.keepVersions >= (has(self.history) && has(self.history.limit) ? self.history.limit : 10)",
        fieldPath = ".registry.ecr.keepVersions",
        message = "registry.ecr.keepVersions must be at least history.limit (default 10): the repository's lifecycle "
                + "policy would expire images of versions that status.history still names")
@ValidationRule(value = "!has(self.model.training) || !has(self.model.training.includeLiveEvents) "
        + "|| !self.model.training.includeLiveEvents || (has(self.features) && self.features.source == 'Redis')",
        fieldPath = ".model.training.includeLiveEvents",
        message = "includeLiveEvents needs features.source Redis: the live events are the feature store's")
@ValidationRule(value = "!has(self.topology) || self.topology in ['OnePod', 'TwoPod']", fieldPath = ".topology",
        messageExpression = "'topology \"' + self.topology + '\" is not OnePod or TwoPod'")
public record RecommenderSpec(
        @Required @JsonPropertyDescription("The model: trained by the operator, or an existing bundle.")
        ModelSource model,
        @JsonPropertyDescription("Where user and item features come from.")
        FeaturesSpec features,
        // A string with a CEL rule rather than an enum: an enum's refusal stops the API server's other rules and adds
        // "some validation rules were not checked" to the message.
        @Default("OnePod") @SchemaFrom(type = String.class) @io.fabric8.generator.annotation.Size(max = 16)
        @JsonPropertyDescription("OnePod: recommender and TensorFlow Serving in one pod; TwoPod: "
                + "TensorFlow Serving behind its own Service, its address handed over in a ConfigMap.")
        Topology topology,
        @JsonPropertyDescription("Replicas or autoscaling, resources, images and port of the serving pods.")
        ServingSpec serving,
        @Required @JsonPropertyDescription("The latency and error budget a version must meet under load before it takes traffic.")
        SloSpec slo,
        @JsonPropertyDescription("Where the images of trained models are pushed.")
        RegistrySpec registry,
        @JsonPropertyDescription("Held-out quality a trained model must reach before its images are pushed; a model "
                + "that misses it is rejected and the stable version keeps serving.")
        QualitySpec quality,
        @JsonPropertyDescription("How many promoted versions status.history keeps for pins and undone edits.")
        HistorySpec history) {

    public RecommenderSpec {
        topology = topology == null ? Topology.OnePod : topology;
    }

    public RecommenderSpec(ModelSource model, FeaturesSpec features, Topology topology, ServingSpec serving, SloSpec slo,
            RegistrySpec registry, QualitySpec quality) {
        this(model, features, topology, serving, slo, registry, quality, null);
    }

    public RecommenderSpec(ModelSource model, FeaturesSpec features, Topology topology, ServingSpec serving, SloSpec slo,
            RegistrySpec registry) {
        this(model, features, topology, serving, slo, registry, null);
    }
}
