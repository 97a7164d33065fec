package io.recommender.loadtest.stats;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Counts of bucketed response times, the shape of Locust's {@code StatsEntry.response_times} dict, with Locust's
 * percentile walk. Not thread-safe: each load worker keeps its own and they are merged at the end.
 */
public final class Histogram {

    /** Boxed counters so that a hot key costs one map lookup and no allocation per sample. */
    private final Map<Long, long[]> counts = new HashMap<>();
    private long total;

    public void add(long bucket) {
        add(bucket, 1);
    }

    public void add(long bucket, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (count == 0) {
            return;
        }
        long[] counter = counts.get(bucket);
        if (counter == null) {
            counts.put(bucket, new long[] {count});
        } else {
            counter[0] += count;
        }
        total += count;
    }

    public void merge(Histogram other) {
        other.counts.forEach((bucket, counter) -> add(bucket, counter[0]));
    }

    public long total() {
        return total;
    }

    /** Bucket to count, ascending by bucket. */
    public NavigableMap<Long, Long> toSortedMap() {
        TreeMap<Long, Long> sorted = new TreeMap<>();
        counts.forEach((bucket, counter) -> sorted.put(bucket, counter[0]));
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
