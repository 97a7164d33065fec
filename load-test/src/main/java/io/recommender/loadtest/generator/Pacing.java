package io.recommender.loadtest.generator;

import com.github.myzhan.locust4j.ratelimit.StableRateLimiter;
import java.util.concurrent.TimeUnit;

/**
 * A locust4j {@link StableRateLimiter} for a request rate. Refilled once a second, as {@code Locust.setMaxRPS} does
 * it, the whole second's permits would go out in one burst and queue at the service, inflating its latency; refilled
 * about every 10 ms with a hundredth of them, the load arrives evenly.
 */
final class Pacing {

    static final int TICKS_PER_SECOND = 100;

    private Pacing() {
    }

    static StableRateLimiter limiterFor(double rps) {
        if (!(rps > 0) || Double.isInfinite(rps)) {
            throw new IllegalArgumentException("a rate limit needs a positive, finite rate: " + rps);
        }
        long permitsPerTick = permitsPerTick(rps);
        return new StableRateLimiter(permitsPerTick, periodNanos(rps, permitsPerTick), TimeUnit.NANOSECONDS);
    }

    static long permitsPerTick(double rps) {
        return Math.max(1, Math.round(rps / TICKS_PER_SECOND));
    }

    /** Nanoseconds between refills of {@code permitsPerTick} permits for {@code rps} permits a second. */
    static long periodNanos(double rps, long permitsPerTick) {
        return Math.max(1, Math.round(permitsPerTick * 1e9 / rps));
    }
}
