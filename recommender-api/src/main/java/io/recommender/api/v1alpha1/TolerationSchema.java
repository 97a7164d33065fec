package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The schema of a training pod's toleration: Kubernetes' own Toleration, with the rules a Pod's tolerations are
 * validated by, so that a misspelt operator is refused when the Recommender is applied rather than when the
 * operator creates the Job. Only the schema: the Java type of {@link TrainingSpec#tolerations()} stays Kubernetes'.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.operator) || self.operator in ['Exists', 'Equal']", fieldPath = ".operator",
        messageExpression = "'operator \"' + self.operator + '\" is not Exists or Equal'")
@ValidationRule(value = "!has(self.effect) || self.effect in ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute']",
        fieldPath = ".effect", messageExpression = "'effect \"' + self.effect + '\" is not NoSchedule, PreferNoSchedule or "
                + "NoExecute (leave it out to tolerate every effect)'")
@ValidationRule(value = "!has(self.key) || self.key == '' || !format.qualifiedName().validate(self.key).hasValue()",
        fieldPath = ".key", messageExpression = "'key \"' + self.key + '\" is not a label key: an optional DNS prefix "
                + "and /, then at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit "
                + "(e.g. nvidia.com/gpu)'")
@ValidationRule(value = "(has(self.key) && self.key != '') || (has(self.operator) && self.operator == 'Exists')",
        fieldPath = ".operator", message = "a toleration without a key must have operator Exists (it then tolerates "
                + "every taint)")
@ValidationRule(value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''",
        fieldPath = ".value", message = "value must be left out with operator Exists")
@ValidationRule(value = "!has(self.value) || !format.labelValue().validate(self.value).hasValue()",
        fieldPath = ".value", messageExpression = "'value \"' + self.value + '\" is not a label value: at most 63 "
                + "letters, digits, -, _ or ., starting and ending with a letter or digit'")
@ValidationRule(value = "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
        fieldPath = ".tolerationSeconds", message = "tolerationSeconds needs effect NoExecute")
record TolerationSchema(
        @Size(max = 317) @JsonPropertyDescription("The taint key, e.g. nvidia.com/gpu; empty (with operator Exists) for every taint.")
        String key,
        @Size(max = 16) @JsonPropertyDescription("Exists or Equal (the default).")
        String operator,
        @Size(max = 63) @JsonPropertyDescription("The taint value, for operator Equal.")
        String value,
        @Size(max = 32) @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; empty for every effect.")
        String effect,
        @JsonPropertyDescription("With effect NoExecute: how long the pod stays on a node after the taint is added.")
        Long tolerationSeconds) {}
