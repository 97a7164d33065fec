package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** CPU and memory requests and limits of a container, as in its {@code resources}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeResources(
        @JsonPropertyDescription("Requested resources, e.g. cpu: 500m, memory: 1Gi.")
        Quantities requests,
        @JsonPropertyDescription("Resource limits, e.g. cpu: \"2\", memory: 2Gi.")
        Quantities limits) {

    /**
     * Quantities are checked by the API server with Kubernetes' own quantity syntax, so "2 cores" is refused
     * at apply time, not at rollout.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Quantities(
            @io.fabric8.generator.annotation.Pattern(QUANTITY) @io.fabric8.generator.annotation.Size(max = 32)
            @JsonPropertyDescription("CPU, e.g. 500m or 2.")
            String cpu,
            @io.fabric8.generator.annotation.Pattern(QUANTITY) @io.fabric8.generator.annotation.Size(max = 32)
            @JsonPropertyDescription("Memory, e.g. 512Mi or 2Gi.")
            String memory) {}

    /** The syntax of a Kubernetes resource.Quantity. */
    static final String QUANTITY = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
            + "([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
}
