package io.recommender.local;

/** A step of the local pipeline cannot go on; the message says why and, where it helps, what to do. */
final class LocalPipelineException extends RuntimeException {
    LocalPipelineException(String message) {
        super(message);
    }

    LocalPipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
