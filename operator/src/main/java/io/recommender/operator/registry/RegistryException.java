package io.recommender.operator.registry;

/**
 * A registry the operator cannot prepare, with the condition reason it is reported under. Messages name the
 * call, repository and the registry's error; never a credential.
 */
public final class RegistryException extends Exception {
    /** The operator's AWS identity may not do what it needs (IAM policy, repository policy). */
    public static final String ACCESS_DENIED = "RegistryAccessDenied";
    /** The registry API kept refusing for rate even after the client's retries. */
    public static final String THROTTLED = "RegistryThrottled";
    /** The repository exists with settings the operator will not overwrite (mutable tags, a foreign lifecycle policy). */
    public static final String CONFLICT = "RepositoryConflict";
    /** Anything else: unreachable endpoint, unexpected error, missing AWS credentials. */
    public static final String UNAVAILABLE = "RegistryCredentialsUnavailable";

    private final String reason;

    public RegistryException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RegistryException(String reason, String message) {
        this(reason, message, null);
    }

    public String reason() {
        return reason;
    }
}
