package io.recommender.loadtest.stats;

/**
 * A finer bucketing than Locust's, kept beside it: microseconds to three significant digits (relative error at most
 * 0.05 %). Locust's 1 ms buckets turn a sub-millisecond service into 0 or 1 ms, which is fine for an SLO in
 * milliseconds but useless to compare with tools such as wrk that report microseconds.
 */
public final class PreciseBuckets {

    private PreciseBuckets() {
    }

    public static long bucketMicros(long responseTimeNanos) {
        if (responseTimeNanos < 0) {
            throw new IllegalArgumentException("response time must not be negative: " + responseTimeNanos);
        }
        // Rounded once, straight from nanoseconds: rounding to microseconds first would round twice.
        long unit = 1000;
        while (unit <= Long.MAX_VALUE / 10_000 && responseTimeNanos >= 1000 * unit) {
            unit *= 10;
        }
        return (responseTimeNanos / unit + (responseTimeNanos % unit >= unit / 2 ? 1 : 0)) * unit / 1000;
    }
}
