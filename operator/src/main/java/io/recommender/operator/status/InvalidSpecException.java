package io.recommender.operator.status;

/**
 * A spec the operator cannot run, found before (or by) writing an owned object: reported as {@code Degraded} with
 * reason {@code InvalidSpec} and a one-line message naming the Recommender's field.
 */
public final class InvalidSpecException extends RuntimeException {
    private final String field;

    /**
     * @param field the Recommender's field at fault (e.g. {@code spec.model.training.tolerations[0]}), or null
     * @param message one line, for a person, without the field
     */
    public InvalidSpecException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
