package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * CPU and memory requests and limits, as in a container's {@code resources}. Quantities are strings
 * checked by the API server ({@code isQuantity}), so "2 cores" is refused at apply time, not at rollout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.requests) || self.requests.all(k, isQuantity(self.requests[k]))",
        message = "requests: every value must be a quantity such as 500m, 2 or 1Gi", fieldPath = ".requests")
@ValidationRule(value = "!has(self.limits) || self.limits.all(k, isQuantity(self.limits[k]))",
        message = "limits: every value must be a quantity such as 500m, 2 or 1Gi", fieldPath = ".limits")
public record ComputeResources(
        @JsonPropertyDescription("Requested resources, e.g. cpu: 500m, memory: 1Gi.")
        Map<String, String> requests,
        @JsonPropertyDescription("Resource limits, e.g. cpu: \"2\", memory: 2Gi.")
        Map<String, String> limits) {}
