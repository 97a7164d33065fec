package io.recommender.runtime.embedding;

/** A verified bundle that this service still cannot serve (e.g. a model that disagrees with its manifest). */
public class IncompatibleBundleException extends RuntimeException {
    public IncompatibleBundleException(String message) {
        super(message);
    }

    public IncompatibleBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
