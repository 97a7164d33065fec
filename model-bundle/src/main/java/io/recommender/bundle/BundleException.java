package io.recommender.bundle;

/** A model bundle that cannot be written, read or trusted; the message says which file and why. */
public class BundleException extends RuntimeException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
