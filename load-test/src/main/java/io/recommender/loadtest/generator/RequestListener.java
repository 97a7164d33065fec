package io.recommender.loadtest.generator;

/**
 * Told about every request of a load, from the worker thread that made it; must be thread-safe and quick. For
 * callers that need the raw samples, e.g. to check the reported percentiles against their own.
 */
@FunctionalInterface
public interface RequestListener {

    RequestListener NONE = (userId, startNanos, responseNanos, error) -> { };

    /**
     * @param userId        the user asked about
     * @param startNanos    {@link System#nanoTime()} when it was sent
     * @param responseNanos how long it took
     * @param error         why it failed, or null
     */
    void onRequest(long userId, long startNanos, long responseNanos, String error);
}
