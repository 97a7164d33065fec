package io.recommender.api.v1alpha1;

/** The shape of an OCI image reference, for schema validation. */
final class ImageReference {
    /** [registry[:port]/]path[:tag][@sha256:digest], lower-case path components. */
    static final String PATTERN = "^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
            + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    private ImageReference() {}
}
