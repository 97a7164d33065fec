package io.recommender.tfserving.server;

/**
 * Fault injection for client tests, applied to {@code :predict} requests only (status and metadata stay
 * truthful, as a loaded but overloaded server's would).
 *
 * @param delayMillis added before every predict answer
 * @param failureRate share of predicts answered with {@code failureStatus} instead, 0 to 1
 * @param failureStatus HTTP status of an injected failure (TensorFlow Serving answers 503 when unavailable)
 */
public record Faults(long delayMillis, double failureRate, int failureStatus) {
    public static final Faults NONE = new Faults(0, 0, 503);

    public Faults {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay must be >= 0 ms, got " + delayMillis);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure rate must be within 0..1, got " + failureRate);
        }
        if (failureStatus < 400 || failureStatus > 599) {
            throw new IllegalArgumentException("failure status must be a 4xx or 5xx code, got " + failureStatus);
        }
    }
}
