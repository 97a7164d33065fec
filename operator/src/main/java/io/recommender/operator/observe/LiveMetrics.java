package io.recommender.operator.observe;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the recommender pods' own Prometheus metrics ({@code GET /metrics}: the request histogram the service
 * exports) and turns them into what happened since the previous read, per Recommender: no Prometheus server
 * needed. Counters are cumulative per pod, so each pod's last reading is kept; a pod seen for the first time only
 * sets its baseline, and a counter lower than before (the pod restarted) counts from zero.
 */
public final class LiveMetrics {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The user-facing routes judged: the recommendations API and the TensorFlow Serving-style predict. */
    static final List<String> ROUTES = List.of("/v1/recommendations/{userId}", "/predict");
    static final String BUCKET = "http_server_requests_seconds_bucket";
    static final String COUNT = "http_server_requests_seconds_count";

    /** Where a pod's metrics are read. */
    @FunctionalInterface
    public interface PodEndpoint {
        URI metrics(Pod pod, int port);
    }

    /** The pod's own address, as a Prometheus server would scrape it. */
    public static final PodEndpoint POD_IP = (pod, port) ->
            URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + "/metrics");

    private final HttpClient http;
    private final PodEndpoint endpoint;
    /** Each pod's last reading, by pod uid, per Recommender (by uid): only the pods of its latest read are kept. */
    private final Map<String, Map<String, Reading>> last = new ConcurrentHashMap<>();

    public LiveMetrics() {
        this(POD_IP);
    }

    /** Reading each pod at {@code endpoint}: tests whose pods have no network (kwok) serve the metrics elsewhere. */
    public LiveMetrics(PodEndpoint endpoint) {
        this(HttpClient.newBuilder().connectTimeout(TIMEOUT).build(), endpoint);
    }

    LiveMetrics(HttpClient http) {
        this(http, POD_IP);
    }

    LiveMetrics(HttpClient http, PodEndpoint endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    /** One pod's cumulative counts for the judged routes. */
    record Reading(long requests, long errors, TreeMap<Double, Long> buckets) {}

    /**
     * The interval since the previous read of a Recommender's pods (the running ones with an address), on
     * {@code port}; {@code owner} names the Recommender (its uid).
     */
    public LiveWindow window(String owner, List<Pod> pods, int port) {
        Map<String, Reading> before = last.getOrDefault(owner, Map.of());
        Map<String, Reading> after = new HashMap<>();
        try {
            return window(pods, port, before, after);
        } finally {
            last.put(owner, after);
        }
    }

    private LiveWindow window(List<Pod> pods, int port, Map<String, Reading> last, Map<String, Reading> after) {
        long requests = 0;
        long errors = 0;
        TreeMap<Double, Long> buckets = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int read = 0;
        for (Pod pod : pods) {
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null || !"Running".equals(pod.getStatus().getPhase())) {
                continue;
            }
            Reading now;
            try {
                now = parse(fetch(endpoint.metrics(pod, port)));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(pod.getMetadata().getName() + ": " + e.getMessage());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return LiveWindow.unreadable("interrupted");
            }
            read++;
            after.put(pod.getMetadata().getUid(), now);
            Reading before = last.get(pod.getMetadata().getUid());
            if (before == null) {
                continue;
            }
            // A counter below its last value: the pod restarted and counts from zero.
            boolean restarted = now.requests() < before.requests();
            requests += now.requests() - (restarted ? 0 : before.requests());
            errors += now.errors() - (restarted ? 0 : before.errors());
            for (Map.Entry<Double, Long> b : now.buckets().entrySet()) {
                long was = restarted ? 0 : before.buckets().getOrDefault(b.getKey(), 0L);
                buckets.merge(b.getKey(), b.getValue() - was, Long::sum);
            }
        }
        return new LiveWindow(requests, errors, buckets, read, problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** Forgets a Recommender's readings (it was deleted). */
    public void forget(String owner) {
        last.remove(owner);
    }

    private String fetch(URI url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** The judged routes' counts from Prometheus text; throws when the histogram is not there. */
    static Reading parse(String text) {
        long requests = 0;
        long errors = 0;
        boolean seen = false;
        TreeMap<Double, Long> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            boolean bucket = line.startsWith(BUCKET + "{");
            boolean count = line.startsWith(COUNT + "{");
            if (!bucket && !count) {
                continue;
            }
            int close = line.lastIndexOf('}');
            Map<String, String> labels = labels(line.substring(line.indexOf('{') + 1, close));
            if (!ROUTES.contains(labels.get("uri"))) {
                continue;
            }
            seen = true;
            long value = (long) Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
            if (count) {
                requests += value;
                if (labels.getOrDefault("status", "").startsWith("5")) {
                    errors += value;
                }
            } else {
                String le = labels.get("le");
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.merge(bound, value, Long::sum);
            }
        }
        if (!seen) {
            throw new IllegalArgumentException("no " + BUCKET + " for " + String.join(" or ", ROUTES)
                    + " in the pod's /metrics");
        }
        return new Reading(requests, errors, buckets);
    }

    /** Prometheus label pairs {@code a="x",b="y"}, with \\" and \\\\ escapes. */
    static Map<String, String> labels(String s) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("not Prometheus labels: " + s);
            }
            String name = s.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < s.length() && s.charAt(j) != '"'; j++) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    char n = s.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            out.put(name, value.toString());
            i = j + 1;
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }
}
