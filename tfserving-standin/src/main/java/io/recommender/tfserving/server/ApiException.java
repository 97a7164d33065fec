package io.recommender.tfserving.server;

/** An answer other than 200, with TensorFlow Serving's error body {@code {"error": message}}. */
final class ApiException extends RuntimeException {
    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
