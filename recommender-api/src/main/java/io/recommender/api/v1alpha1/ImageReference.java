package io.recommender.api.v1alpha1;

/** The shape of an OCI image reference, for the schema's CEL rules. */
final class ImageReference {
    /**
     * [registry[:port]/]path[:tag][@sha256:digest], as the distribution reference grammar has it: lower-case path
     * components separated by '.', '_', '__' or dashes; a registry host's labels start and end with a letter or digit.
     * Written for a CEL string literal in single quotes (each regex backslash doubled).
     */
    static final String PATTERN = "^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(\\\\.([a-zA-Z0-9]|[a-zA-Z0-9]"
            + "[a-zA-Z0-9-]*[a-zA-Z0-9]))*(:[0-9]{1,5})?/)?[a-z0-9]+((\\\\.|_|__|-+)[a-z0-9]+)*"
            + "(/[a-z0-9]+((\\\\.|_|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    static final String RULE_IMAGE = "self.image.matches('" + PATTERN + "')";
    static final String RULE_TF_SERVING_IMAGE = "self.tfServingImage.matches('" + PATTERN + "')";

    static final String MESSAGE = "must be an image reference like registry.example.com/team/image:1.0 or "
            + "registry.example.com/team/image@sha256:<64 hex digits>: an optional registry host and port, a "
            + "lower-case path, an optional tag and digest";

    private ImageReference() {}
}
