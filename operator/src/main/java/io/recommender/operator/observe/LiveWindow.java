package io.recommender.operator.observe;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a version's pods served during one analysis interval, from their own request histograms: requests, server
 * errors (5xx), and the latency buckets (upper bound in seconds -> requests at or under it). {@code problem} says
 * why some pods could not be read (the window then holds the others').
 */
public record LiveWindow(long requests, long errors, NavigableMap<Double, Long> buckets, int pods, String problem) {
    public LiveWindow {
        buckets = Collections.unmodifiableNavigableMap(new TreeMap<>(buckets));
    }

    public static LiveWindow unreadable(String problem) {
        return new LiveWindow(0, 0, new TreeMap<>(), 0, problem);
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /**
     * The latency at {@code percentile} (e.g. 99) in milliseconds: the upper bound of the first bucket that holds
     * that share of the requests, so never less than the true value (+Inf: more than the largest bucket).
     */
    public double percentileMs(double percentile) {
        long needed = (long) Math.ceil(requests * percentile / 100.0);
        for (Map.Entry<Double, Long> b : buckets.entrySet()) {
            if (b.getValue() >= needed) {
                return b.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
