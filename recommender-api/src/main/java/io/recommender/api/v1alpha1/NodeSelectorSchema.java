package io.recommender.api.v1alpha1;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;

/**
 * The schema of the training pod's node selector: label keys to label values. Values are bounded at 128 characters
 * (no annotation bounds a map's values) to keep the CEL rules on them within the API server's cost budget; the rules
 * themselves allow a label value's 63. The field's {@code @Size} bounds the entries. Only the schema:
 * {@link TrainingSpec#nodeSelector()} stays a map.
 */
@SchemaCustomizer(value = SchemaCustomizer.RawCustomizer.class,
        input = "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\", \"maxLength\": 128}}")
record NodeSelectorSchema() {}
