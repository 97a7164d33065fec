package io.recommender.loadtest.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Locust's response-time bucketing, as {@code locust.stats.bucket_response_time} (Locust 2.x) does it: a response
 * time in milliseconds (a float in Locust) is kept to about two significant digits before it is counted.
 *
 * <p>Python's {@code round} rounds the exact binary value half to even; {@link Math#rint} does the same for
 * {@code round(x)}, and {@link BigDecimal} with {@link RoundingMode#HALF_EVEN} for {@code round(x, -n)}, so ties such
 * as 145.0 -> 140 and 155.0 -> 160 land in the same bucket as in Locust.
 */
public final class LocustBuckets {

    private LocustBuckets() {
    }

    /** The Locust bucket (a whole number of milliseconds) of a response time given in milliseconds. */
    public static long bucketMillis(double responseTimeMs) {
        if (!(responseTimeMs >= 0) || Double.isInfinite(responseTimeMs)) {
            throw new IllegalArgumentException(
                "response time must be a finite, non-negative number: " + responseTimeMs);
        }
        if (responseTimeMs < 100) {
            return (long) Math.rint(responseTimeMs);
        } else if (responseTimeMs < 1000) {
            return roundToPowerOfTen(responseTimeMs, 1);
        } else if (responseTimeMs < 10000) {
            return roundToPowerOfTen(responseTimeMs, 2);
        }
        return roundToPowerOfTen(responseTimeMs, 3);
    }

    /** The Locust bucket of a response time measured in nanoseconds. */
    public static long bucketNanos(long responseTimeNanos) {
        return bucketMillis(responseTimeNanos / 1_000_000.0);
    }

    private static long roundToPowerOfTen(double value, int zeros) {
        return new BigDecimal(value).setScale(-zeros, RoundingMode.HALF_EVEN).longValueExact();
    }
}
