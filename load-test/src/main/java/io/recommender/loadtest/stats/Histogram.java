package io.recommender.loadtest.stats;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Counts of bucketed response times, the shape of Locust's {@code StatsEntry.response_times} dict, with Locust's
 * percentile walk. Not thread-safe: each load worker keeps its own and they are merged at the end.
 *
 * <p>Both bucketings in use ({@link LocustBuckets}, {@link PreciseBuckets}) produce values of at most three
 * significant digits, so counts live in arrays indexed by value: 0..999 directly, then 900 slots per decade, a decade
 * allocated when first used. Any other value goes to a map. (A map for everything cost a tenth of the generator's
 * CPU at 10,000 requests a second.)
 */
public final class Histogram {

    private static final int DIRECT = 1000;
    private static final int PER_DECADE = 900;
    private static final int DECADES = 15;

    private final long[] direct = new long[DIRECT];
    /** decades[e - 1][m - 100] counts the value m * 10^e, for 100 <= m <= 999. */
    private final long[][] decades = new long[DECADES][];
    private final Map<Long, long[]> others = new HashMap<>();
    private long total;

    public void add(long bucket) {
        add(bucket, 1);
    }

    public void add(long bucket, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (bucket < 0) {
            throw new IllegalArgumentException("a bucket must not be negative: " + bucket);
        }
        total += count;
        if (bucket < DIRECT) {
            direct[(int) bucket] += count;
            return;
        }
        long scale = 10;
        int exponent = 1;
        while (bucket / scale >= 1000 && exponent < DECADES) {
            scale *= 10;
            exponent++;
        }
        if (bucket % scale == 0 && bucket / scale < 1000) {
            long[] decade = decades[exponent - 1];
            if (decade == null) {
                decade = new long[PER_DECADE];
                decades[exponent - 1] = decade;
            }
            decade[(int) (bucket / scale) - 100] += count;
        } else {
            others.computeIfAbsent(bucket, b -> new long[1])[0] += count;
        }
    }

    public void merge(Histogram other) {
        other.toSortedMap().forEach(this::add);
    }

    public long total() {
        return total;
    }

    /** Bucket to count, ascending by bucket, buckets with no samples left out. */
    public NavigableMap<Long, Long> toSortedMap() {
        TreeMap<Long, Long> sorted = new TreeMap<>();
        for (int value = 0; value < DIRECT; value++) {
            if (direct[value] != 0) {
                sorted.put((long) value, direct[value]);
            }
        }
        long scale = 10;
        for (long[] decade : decades) {
            if (decade != null) {
                for (int i = 0; i < PER_DECADE; i++) {
                    if (decade[i] != 0) {
                        sorted.put((i + 100) * scale, decade[i]);
                    }
                }
            }
            scale *= 10;
        }
        others.forEach((bucket, counter) -> sorted.put(bucket, counter[0]));
        return Collections.unmodifiableNavigableMap(sorted);
    }

    /**
     * The bucket that {@code percent} of the samples fall within, computed as Locust's
     * {@code calculate_response_time_percentile} does: walk the buckets from the largest down and stop at the first
     * one where the samples not yet walked are at most {@code int(total * percent)}. It is the sample at index
     * {@code min(floor(total * percent), total - 1)} of the sorted bucketed samples; 0 when there are none.
     *
     * @param percent in [0, 1]
     */
    public long percentile(double percent) {
        if (!(percent >= 0 && percent <= 1)) {
            throw new IllegalArgumentException("percent must be within [0, 1]: " + percent);
        }
        long wanted = (long) (total * percent);
        long processed = 0;
        for (Map.Entry<Long, Long> entry : toSortedMap().descendingMap().entrySet()) {
            processed += entry.getValue();
            if (total - processed <= wanted) {
                return entry.getKey();
            }
        }
        return 0;
    }
}
