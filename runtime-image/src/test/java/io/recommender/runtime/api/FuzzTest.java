package io.recommender.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A few thousand random and mutated requests (seeded): none may get a 5xx or leak a stack trace, and the
 * service must still answer a valid request correctly afterwards.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzTest implements TestPropertyProvider {
    static final int REQUESTS = 3000;
    static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
            "application/x-www-form-urlencoded", "application/octet-stream", "", "application/json; charset=latin1"};
    static final String[] SEEDS = {"{\"uid\": 1}", "{\"uid\": 39, \"extra\": [1, 2, {\"a\": null}]}",
            "{\"uid\": -2147483648}", "{\"uid\": 2147483647}", "{}", "[]", "\"uid\"", "{\"uid\": {\"uid\": 1}}"};
    static final String ALPHABET = "0123456789-+.eE{}[]\":,nultrfas \\/%?&=#\t\n\u00e9\u0000\u20ac\ud83d\ude00";

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("recommender.bundle-path", TestBundles.standard().toString());
    }

    @Test
    void randomAndMutatedRequestsNeverGetA5xx() {
        Http http = new Http(URI.create(server.getURL().toString()));
        Random r = new Random(20261127);
        List<String> failures = new ArrayList<>();
        int[] statusCounts = new int[6];
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest.Builder request = randomRequest(r);
            String described = request.build().method() + " " + request.build().uri();
            Http.Answer a = http.send(request);
            statusCounts[a.status() / 100]++;
            if (a.status() >= 500 || a.body().contains("\tat ") || a.body().contains("Exception")) {
                failures.add(described + " -> " + a.status() + " " + a.body());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(statusCounts[2]).as("some fuzzed requests are still valid").isPositive();
        assertThat(statusCounts[4]).as("most fuzzed requests are invalid").isGreaterThan(REQUESTS / 3);

        Http.Answer after = http.post("/predict", "{\"uid\": 7}");
        assertThat(after.status()).isEqualTo(200);
        assertThat(RecommendationEndpointTest.ids(after.json().get("Recommended"))).containsExactly(
                TestBundles.bruteForce(TestBundles.standard(), 7, 10).stream().mapToInt(e -> (int) e[0]).toArray());
        assertThat(http.get("/health/readiness").status()).isEqualTo(200);
    }

    private HttpRequest.Builder randomRequest(Random r) {
        String path = switch (r.nextInt(4)) {
            case 0 -> "/predict";
            case 1 -> "/v1/recommendations/" + randomSegment(r) + randomQuery(r);
            case 2 -> "/v1/recommendations/" + (r.nextInt(100) - 10) + randomQuery(r);
            default -> "/" + randomSegment(r) + (r.nextBoolean() ? "/" + randomSegment(r) : "") + randomQuery(r);
        };
        String method = r.nextInt(3) == 0 ? METHODS[r.nextInt(METHODS.length)] : (path.equals("/predict") ? "POST" : "GET");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getURL() + path));
        byte[] body = randomBody(r);
        HttpRequest.BodyPublisher publisher = method.equals("GET") || method.equals("OPTIONS") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        b.method(method, publisher);
        String contentType = CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)];
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        if (r.nextInt(5) == 0) {
            b.header("Accept", r.nextBoolean() ? "text/html" : "application/xml, */*;q=0.1");
        }
        return b;
    }

    private static byte[] randomBody(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> {
                byte[] bytes = new byte[r.nextInt(200)];
                r.nextBytes(bytes);
                yield bytes;
            }
            case 1 -> ("{\"uid\": " + randomNumber(r) + "}").getBytes(StandardCharsets.UTF_8);
            case 2 -> ("{\"uid\": " + "[".repeat(r.nextInt(3000)) + "1}").getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"uid\": 1, \"pad\": \"" + "x".repeat(r.nextInt(40_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            default -> mutate(r, SEEDS[r.nextInt(SEEDS.length)]).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String randomNumber(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Long.toString(r.nextLong());
            case 1 -> r.nextInt(100) + "." + r.nextInt(100);
            case 2 -> "1e" + r.nextInt(500);
            case 3 -> "9".repeat(1 + r.nextInt(2000));
            default -> Integer.toString(r.nextInt(100) - 20);
        };
    }

    /** Flips, inserts and deletes characters of a valid-looking body. */
    private static String mutate(Random r, String seed) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = s.isEmpty() ? 0 : r.nextInt(s.length());
            char c = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
            switch (r.nextInt(3)) {
                case 0 -> s.insert(at, c);
                case 1 -> {
                    if (!s.isEmpty()) {
                        s.deleteCharAt(at);
                    }
                }
                default -> {
                    if (!s.isEmpty()) {
                        s.setCharAt(at, c);
                    }
                }
            }
        }
        return s.toString();
    }

    private static String randomSegment(Random r) {
        StringBuilder s = new StringBuilder();
        int length = r.nextInt(12);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return URLEncoder.encode(s.toString(), StandardCharsets.UTF_8);
    }

    private static String randomQuery(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "";
            case 1 -> "?k=" + randomNumber(r);
            case 2 -> "?k=" + randomSegment(r);
            case 3 -> "?k=" + (r.nextInt(120) - 10) + "&k=" + r.nextInt(5);
            default -> "?" + randomSegment(r) + "=" + randomSegment(r);
        };
    }
}
