package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The held-out quality a trained model must reach; a model that misses it is never pushed nor served. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.minRecallAt10) || has(self.minNdcgAt10) || has(self.maxRmse) "
        + "|| has(self.maxRegression)",
        message = "quality needs at least one of minRecallAt10, minNdcgAt10, maxRmse and maxRegression")
// A rule rather than a minimum above 0: the API server compares a whole number with a minimum cut to a whole number,
// so "maxRmse: 0" would pass a minimum of 0.001.
@ValidationRule(value = "!has(self.maxRmse) || self.maxRmse > 0.0", fieldPath = ".maxRmse",
        message = "maxRmse must be more than 0: no model rates held-out ratings exactly")
public record QualitySpec(
        @Min(0) @Max(1)
        @JsonPropertyDescription("Lowest acceptable recall@10 on the held-out test split, 0..1.")
        Double minRecallAt10,
        @Min(0) @Max(1)
        @JsonPropertyDescription("Lowest acceptable NDCG@10 on the held-out test split, 0..1.")
        Double minNdcgAt10,
        @Min(0) @Max(5)
        @JsonPropertyDescription("Highest acceptable rating RMSE on the held-out test split, more than 0, at most 5.")
        Double maxRmse,
        @Min(0) @Max(1)
        @JsonPropertyDescription("How much worse than the serving (stable) version a new model's recall@10 and NDCG@10 "
                + "may be, as a fraction of the stable version's figures, 0..1: 0.02 = at least 98 %. The training Job "
                + "scores the stable version's bundle on the new model's own held-out split, answering as its service "
                + "would, so both figures come from the same data. Not checked for the first model.")
        Double maxRegression) {

    public QualitySpec(Double minRecallAt10, Double minNdcgAt10, Double maxRmse) {
        this(minRecallAt10, minNdcgAt10, maxRmse, null);
    }
}
