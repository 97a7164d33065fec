package io.recommender.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling for cluster state, with the last thing seen in the failure message. */
public final class Waits {
    private Waits() {}

    public static <T> T until(Duration timeout, String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        AssertionError failure = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                + "; last seen: " + last);
        if (lastError != null) {
            failure.initCause(lastError);
        }
        throw failure;
    }
}
