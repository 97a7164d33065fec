package io.recommender.loadtest.locust;

import io.recommender.loadtest.generator.RequestListener;
import io.recommender.loadtest.stats.LocustBuckets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What happened since the last report to a Locust 2.x master, in the shape of its {@code StatsEntry} and
 * {@code StatsError} dicts; {@link #drain} hands it over and starts afresh, as a Locust worker's
 * {@code get_stripped_report} does. Users record from their own threads, so every method is synchronized: one
 * uncontended lock per request.
 */
final class IntervalStats implements RequestListener {

    private final String name;
    private final String method;
    private final LongSupplier clockMillis;
    private Entry entry;
    private final Map<String, ErrorEntry> errors = new LinkedHashMap<>();

    /**
     * @param method      e.g. "POST"
     * @param name        e.g. "/predict"
     * @param clockMillis wall clock, in epoch milliseconds
     */
    IntervalStats(String method, String name, LongSupplier clockMillis) {
        this.method = method;
        this.name = name;
        this.clockMillis = clockMillis;
        this.entry = new Entry(now());
    }

    @Override
    public synchronized void onRequest(long userId, long startNanos, long responseNanos, String error) {
        double now = now();
        double ms = responseNanos / 1e6;
        long second = (long) Math.floor(now);
        entry.numRequests++;
        entry.totalResponseTime += ms;
        entry.minResponseTime = entry.numRequests == 1 ? ms : Math.min(entry.minResponseTime, ms);
        entry.maxResponseTime = Math.max(entry.maxResponseTime, ms);
        entry.responseTimes.merge(LocustBuckets.bucketMillis(ms), 1L, Long::sum);
        entry.requestsPerSecond.merge(second, 1L, Long::sum);
        entry.lastRequestTimestamp = now;
        if (error != null) {
            entry.numFailures++;
            entry.failuresPerSecond.merge(second, 1L, Long::sum);
            errors.computeIfAbsent(error, e -> new ErrorEntry(now)).occurred(now);
        }
    }

    /**
     * The {@code stats}, {@code stats_total} and {@code errors} of a "stats" message, and a fresh interval.
     */
    synchronized Map<String, Object> drain() {
        Map<String, Object> data = new LinkedHashMap<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        if (entry.numRequests > 0) {
            entries.add(entry.serialize(name, method));
        }
        data.put("stats", entries);
        // The master keeps its own total; this worker has one entry, so its total is that entry.
        data.put("stats_total", entry.serialize("Aggregated", ""));
        Map<String, Object> serializedErrors = new LinkedHashMap<>();
        errors.forEach((error, e) -> serializedErrors.put(errorKey(error), e.serialize(name, method, error)));
        data.put("errors", serializedErrors);
        entry = new Entry(now());
        errors.clear();
        return data;
    }

    private double now() {
        return clockMillis.getAsLong() / 1000.0;
    }

    /** As Locust keys an error: a SHA-256 of method, name and error, the same for the same error in every report. */
    private String errorKey(String error) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((method + "." + name + "." + error).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static final class Entry {
        private final double startTime;
        private long numRequests;
        private long numFailures;
        private double totalResponseTime;
        private double minResponseTime;
        private double maxResponseTime;
        private Double lastRequestTimestamp;
        private final Map<Long, Long> responseTimes = new HashMap<>();
        private final Map<Long, Long> requestsPerSecond = new HashMap<>();
        private final Map<Long, Long> failuresPerSecond = new HashMap<>();

        private Entry(double startTime) {
            this.startTime = startTime;
        }

        private Map<String, Object> serialize(String name, String method) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", name);
            map.put("method", method);
            map.put("last_request_timestamp", lastRequestTimestamp);
            map.put("start_time", startTime);
            map.put("num_requests", numRequests);
            map.put("num_none_requests", 0L);
            map.put("num_failures", numFailures);
            map.put("total_response_time", totalResponseTime);
            map.put("max_response_time", maxResponseTime);
            map.put("min_response_time", numRequests == 0 ? null : minResponseTime);
            map.put("total_content_length", 0L);
            map.put("response_times", new LinkedHashMap<>(responseTimes));
            map.put("num_reqs_per_sec", new LinkedHashMap<>(requestsPerSecond));
            map.put("num_fail_per_sec", new LinkedHashMap<>(failuresPerSecond));
            return map;
        }
    }

    private static final class ErrorEntry {
        private final double firstSeen;
        private double lastSeen;
        private long occurrences;

        private ErrorEntry(double firstSeen) {
            this.firstSeen = firstSeen;
        }

        private void occurred(double now) {
            occurrences++;
            lastSeen = now;
        }

        private Map<String, Object> serialize(String name, String method, String error) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("method", method);
            map.put("name", name);
            map.put("error", error);
            map.put("occurrences", occurrences);
            map.put("first_seen", firstSeen);
            map.put("last_seen", lastSeen);
            return map;
        }
    }
}
