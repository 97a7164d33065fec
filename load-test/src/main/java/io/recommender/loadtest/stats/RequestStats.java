package io.recommender.loadtest.stats;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What one load worker observed: counts, response-time histograms, errors by message and a per-second timeline.
 * Like Locust 2.x, a failed request is a request too: it is counted in {@link #requests()} and its response time goes
 * into the histograms. Not thread-safe; workers record into their own and {@link #merge} them at the end.
 */
public final class RequestStats {

    private final long startNanos;
    private final long[] requestsPerSecond;
    private final long[] failuresPerSecond;
    private final Histogram locustMillis = new Histogram();
    private final Histogram preciseMicros = new Histogram();
    private final Map<String, long[]> errors = new HashMap<>();
    /** Per {@link CacheAnswer}: microsecond histograms, counts, total and max nanos. */
    private final Histogram[] cacheMicros = {new Histogram(), new Histogram(), new Histogram()};
    private final long[] cacheRequests = new long[3];
    private final long[] cacheTotalNanos = new long[3];
    private final long[] cacheMaxNanos = new long[3];
    private long requests;
    private long failures;
    private long totalNanos;
    private long maxNanos;

    /**
     * @param startNanos  {@link System#nanoTime()} at the start of the run, second 0 of the timeline
     * @param seconds     length of the timeline; later samples are counted in its last second
     */
    public RequestStats(long startNanos, int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("the timeline needs at least one second: " + seconds);
        }
        this.startNanos = startNanos;
        this.requestsPerSecond = new long[seconds];
        this.failuresPerSecond = new long[seconds];
    }

    /**
     * @param requestStartNanos {@link System#nanoTime()} when the request was sent
     * @param responseNanos     how long it took
     * @param error             why it failed, or null when it succeeded
     */
    public void record(long requestStartNanos, long responseNanos, String error) {
        record(requestStartNanos, responseNanos, error, CacheAnswer.UNKNOWN);
    }

    /**
     * @param cache where the answer came from; a failed request's answer counts as {@link CacheAnswer#UNKNOWN}
     */
    public void record(long requestStartNanos, long responseNanos, String error, CacheAnswer cache) {
        int c = (error == null ? cache : CacheAnswer.UNKNOWN).ordinal();
        cacheRequests[c]++;
        cacheTotalNanos[c] += responseNanos;
        cacheMaxNanos[c] = Math.max(cacheMaxNanos[c], responseNanos);
        cacheMicros[c].add(PreciseBuckets.bucketMicros(responseNanos));
        int second = (int) Math.min(requestsPerSecond.length - 1L,
            Math.max(0L, (requestStartNanos - startNanos) / 1_000_000_000L));
        requests++;
        requestsPerSecond[second]++;
        totalNanos += responseNanos;
        maxNanos = Math.max(maxNanos, responseNanos);
        locustMillis.add(LocustBuckets.bucketNanos(responseNanos));
        preciseMicros.add(PreciseBuckets.bucketMicros(responseNanos));
        if (error != null) {
            failures++;
            failuresPerSecond[second]++;
            long[] counter = errors.get(error);
            if (counter == null) {
                errors.put(error, new long[] {1});
            } else {
                counter[0]++;
            }
        }
    }

    public void merge(RequestStats other) {
        if (other.startNanos != startNanos || other.requestsPerSecond.length != requestsPerSecond.length) {
            throw new IllegalArgumentException("only stats of the same run can be merged");
        }
        requests += other.requests;
        failures += other.failures;
        totalNanos += other.totalNanos;
        maxNanos = Math.max(maxNanos, other.maxNanos);
        locustMillis.merge(other.locustMillis);
        preciseMicros.merge(other.preciseMicros);
        for (int c = 0; c < cacheRequests.length; c++) {
            cacheRequests[c] += other.cacheRequests[c];
            cacheTotalNanos[c] += other.cacheTotalNanos[c];
            cacheMaxNanos[c] = Math.max(cacheMaxNanos[c], other.cacheMaxNanos[c]);
            cacheMicros[c].merge(other.cacheMicros[c]);
        }
        for (int i = 0; i < requestsPerSecond.length; i++) {
            requestsPerSecond[i] += other.requestsPerSecond[i];
            failuresPerSecond[i] += other.failuresPerSecond[i];
        }
        other.errors.forEach((error, counter) -> errors.computeIfAbsent(error, e -> new long[1])[0] += counter[0]);
    }

    public long requests() {
        return requests;
    }

    public long failures() {
        return failures;
    }

    /** Locust's buckets: whole milliseconds, about two significant digits. */
    public Histogram locustMillis() {
        return locustMillis;
    }

    /** Microseconds to three significant digits. */
    public Histogram preciseMicros() {
        return preciseMicros;
    }

    /** Requests whose answer came from there (failed requests: {@link CacheAnswer#UNKNOWN}). */
    public long requests(CacheAnswer cache) {
        return cacheRequests[cache.ordinal()];
    }

    /** Microseconds to three significant digits, of the requests answered from there. */
    public Histogram preciseMicros(CacheAnswer cache) {
        return cacheMicros[cache.ordinal()];
    }

    public long maxNanos(CacheAnswer cache) {
        return cacheMaxNanos[cache.ordinal()];
    }

    public double meanNanos(CacheAnswer cache) {
        long n = cacheRequests[cache.ordinal()];
        return n == 0 ? 0 : (double) cacheTotalNanos[cache.ordinal()] / n;
    }

    public long maxNanos() {
        return maxNanos;
    }

    public double meanNanos() {
        return requests == 0 ? 0 : (double) totalNanos / requests;
    }

    public long[] requestsPerSecond() {
        return requestsPerSecond.clone();
    }

    public long[] failuresPerSecond() {
        return failuresPerSecond.clone();
    }

    /** Error message to occurrences. */
    public Map<String, Long> errors() {
        Map<String, Long> copy = new HashMap<>();
        errors.forEach((error, counter) -> copy.put(error, counter[0]));
        return Collections.unmodifiableMap(copy);
    }
}
