package io.recommender.featurestore;

/** The feature store could not do what was asked; {@link #kind()} says why, the message in plain words. */
public class FeatureStoreException extends RuntimeException {
    public enum Kind {
        /** Redis cannot be reached, or did not answer in time: worth retrying. */
        UNAVAILABLE,
        /** The server refuses writes (a read-only replica, or out of memory). */
        READ_ONLY,
        /** Authentication failed or the URL is unusable: a configuration problem. */
        CONFIGURATION,
        /** A value in Redis is not what the layout says (written by someone else). */
        CORRUPT
    }

    private final Kind kind;

    public FeatureStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
