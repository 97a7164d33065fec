package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * CPU and memory requests and limits of a container, as in its {@code resources}. Each value is a Kubernetes
 * quantity written as a Pod allows it ({@code cpu: 2}, {@code cpu: 500m}, {@code memory: 1Gi}), checked by the API
 * server with Kubernetes' own quantity parser (CEL's quantity library), within bounds a node can have, and a
 * request not above its limit: a Pod the operator builds from it is one Kubernetes accepts.
 *
 * <p>The rules sit on the records, not on their components: an annotation on a record component lands on both its
 * field and its accessor, and the CRD generator would write it twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.requests) || !has(self.limits) || !has(self.requests.cpu) || !has(self.limits.cpu)"
        + " || !isQuantity(string(self.requests.cpu)) || !isQuantity(string(self.limits.cpu))"
        + " || quantity(string(self.requests.cpu)).compareTo(quantity(string(self.limits.cpu))) <= 0",
        messageExpression = "'requests.cpu \"' + string(self.requests.cpu) + '\" must not exceed limits.cpu \"' "
                + "+ string(self.limits.cpu) + '\"'",
        fieldPath = ".requests.cpu")
@ValidationRule(value = "!has(self.requests) || !has(self.limits) || !has(self.requests.memory)"
        + " || !has(self.limits.memory) || !isQuantity(string(self.requests.memory))"
        + " || !isQuantity(string(self.limits.memory))"
        + " || quantity(string(self.requests.memory)).compareTo(quantity(string(self.limits.memory))) <= 0",
        messageExpression = "'requests.memory \"' + string(self.requests.memory) + '\" must not exceed limits.memory \"' "
                + "+ string(self.limits.memory) + '\"'",
        fieldPath = ".requests.memory")
public record ComputeResources(
        @JsonPropertyDescription("Requested resources, e.g. cpu: 500m, memory: 1Gi.")
        Quantities requests,
        @JsonPropertyDescription("Resource limits, e.g. cpu: 2, memory: 2Gi.")
        Quantities limits) {

    static final String CPU = "string(self.cpu)";
    static final String MEMORY = "string(self.memory)";

    /** CPU and memory, as strings whatever the user wrote ({@code cpu: 2} is read as "2"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.cpu) || isQuantity(" + CPU + ")", fieldPath = ".cpu",
            messageExpression = "'cpu \"' + " + CPU + " + '\" is not a quantity: write cores as 2, 1.5 or 500m "
                    + "(m is a thousandth of a core)'")
    @ValidationRule(value = "!has(self.cpu) || !isQuantity(" + CPU + ") || quantity(" + CPU + ").compareTo(quantity('0')) >= 0",
            fieldPath = ".cpu", messageExpression = "'cpu \"' + " + CPU + " + '\" is negative'")
    @ValidationRule(value = "!has(self.cpu) || !isQuantity(" + CPU + ") || quantity(" + CPU + ").isLessThan(quantity('513'))",
            fieldPath = ".cpu", messageExpression = "'cpu \"' + " + CPU + " + '\" is more than 512 cores, more than a node "
                    + "has (500m is half a core)'")
    @ValidationRule(value = "!has(self.memory) || isQuantity(" + MEMORY + ")", fieldPath = ".memory",
            messageExpression = "'memory \"' + " + MEMORY + " + '\" is not a quantity: write bytes with a suffix, "
                    + "e.g. 512Mi, 2Gi or 1G'")
    @ValidationRule(value = "!has(self.memory) || !isQuantity(" + MEMORY + ") || quantity(" + MEMORY + ").compareTo(quantity('0')) >= 0",
            fieldPath = ".memory", messageExpression = "'memory \"' + " + MEMORY + " + '\" is negative'")
    @ValidationRule(value = "!has(self.memory) || !isQuantity(" + MEMORY + ") || quantity(" + MEMORY + ").compareTo(quantity('0')) < 0"
            + " || quantity(" + MEMORY + ").compareTo(quantity('32Mi')) >= 0",
            fieldPath = ".memory", messageExpression = "'memory \"' + " + MEMORY + " + '\" is less than 32Mi, too little "
                    + "for the JVM or TensorFlow to start (a number without a suffix is bytes: 512Mi, not 512)'")
    @ValidationRule(value = "!has(self.memory) || !isQuantity(" + MEMORY + ") || quantity(" + MEMORY
            + ").compareTo(quantity('16Ti')) <= 0",
            fieldPath = ".memory", messageExpression = "'memory \"' + " + MEMORY + " + '\" is more than 16Ti, more than "
                    + "a node has'")
    public record Quantities(
            @SchemaFrom(type = IntOrString.class) @Size(max = 32)
            @JsonPropertyDescription("CPU in cores, e.g. 500m, 2 or 1.5; at most 512.")
            String cpu,
            @SchemaFrom(type = IntOrString.class) @Size(max = 32)
            @JsonPropertyDescription("Memory in bytes with a suffix, e.g. 512Mi, 2Gi or 1G; at least 32Mi, at most 16Ti.")
            String memory) {}
}
