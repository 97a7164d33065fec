package io.recommender.loadtest.generator;

import com.github.myzhan.locust4j.ratelimit.AbstractRateLimiter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A locust4j rate limiter that spaces permits evenly, one every {@code 1/rate} seconds, each user parking until the
 * slot it took. locust4j's {@code StableRateLimiter} refills a bucket per period and wakes every waiting user at once,
 * so the load leaves in bursts that queue at the service (and at the generator's own CPU) and inflate the latency
 * measured; evenly spaced, the load arrives as wrk's paced connections send it.
 *
 * <p>Unused slots are not banked: a user that comes late takes the current instant, so a pause (a slow service, a GC)
 * is not followed by a catch-up burst. {@link #stop} releases waiting users within {@link #STOP_CHECK}.
 */
final class EvenRateLimiter extends AbstractRateLimiter {

    static final long STOP_CHECK = TimeUnit.MILLISECONDS.toNanos(100);

    private final long intervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean stopped = true;

    EvenRateLimiter(double rps) {
        if (!(rps > 0) || Double.isInfinite(rps)) {
            throw new IllegalArgumentException("a rate limit needs a positive, finite rate: " + rps);
        }
        this.intervalNanos = Math.max(1, Math.round(1e9 / rps));
    }

    long intervalNanos() {
        return intervalNanos;
    }

    @Override
    public void start() {
        nextSlot.set(System.nanoTime());
        stopped = false;
    }

    /**
     * Waits for this caller's slot.
     *
     * @return false once the slot has come (go ahead), true when stopped or interrupted first (no permit)
     */
    @Override
    public boolean acquire() {
        long slot = takeSlot(System.nanoTime());
        while (true) {
            if (stopped || Thread.currentThread().isInterrupted()) {
                return true;
            }
            long wait = slot - System.nanoTime();
            if (wait <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(wait, STOP_CHECK));
        }
    }

    /**
     * Takes the next free slot, not before {@code earliestNanos} (a {@link System#nanoTime()}), without waiting for
     * it: for callers that schedule their own wake-up, as the event-loop engine does.
     */
    long takeSlot(long earliestNanos) {
        while (true) {
            long next = nextSlot.get();
            long slot = Math.max(next, earliestNanos);
            if (nextSlot.compareAndSet(next, slot + intervalNanos)) {
                return slot;
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public boolean isStopped() {
        return stopped;
    }
}
