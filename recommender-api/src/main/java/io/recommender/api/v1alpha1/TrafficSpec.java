package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The traffic mix of the latency gate's load. Known users always come from the candidate's own model (its bundle's
 * users), never from a fixed range, so the defaults hold for any dataset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// A CEL rule rather than a schema enum: an enum error stops every other rule's message (see CrdCorpusIT).
@ValidationRule(value = "!has(self.users) || self.users in ['Activity', 'Uniform']", fieldPath = ".users",
        messageExpression = "'users \"' + self.users + '\" is not Activity (each user as often as its share of the "
                + "training ratings) or Uniform (every user equally often)'")
public record TrafficSpec(
        @Default("Activity") @Size(max = 16)
        @JsonPropertyDescription("How known users are drawn: Activity (each user as often as its share of the "
                + "training ratings, as active users send more requests) or Uniform (every user equally often).")
        String users,
        @Default("0.1") @Min(0) @Max(1)
        @JsonPropertyDescription("Share of requests for users the model has never seen (cold-start users), 0..1.")
        Double unknownUsers) {

    public static final String ACTIVITY = "Activity";
    public static final String UNIFORM = "Uniform";
}
