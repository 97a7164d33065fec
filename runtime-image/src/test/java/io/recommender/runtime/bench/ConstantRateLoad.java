package io.recommender.runtime.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a constant rate: request i is due at start + i / rate and is sent then whether or not
 * earlier ones have answered; its latency counts from that due time, so a stall shows in the percentiles
 * instead of silently lowering the rate (no coordinated omission). Posts {@code {"uid": u}} to /predict
 * with u drawn from the given users, or GETs /hello (the baseline for how much latency the machine itself
 * adds). Prints one line of figures. Used by bench/service-bench.sh.
 *
 * <p>Usage: ConstantRateLoad BASE_URL RATE_PER_S SECONDS FIRST_USER LAST_USER [predict|hello]
 */
public final class ConstantRateLoad {
    private ConstantRateLoad() {}

    public static void main(String[] args) throws Exception {
        boolean hello = args.length > 5 && args[5].equals("hello");
        URI uri = URI.create(args[0] + (hello ? "/hello" : "/predict"));
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int firstUser = Integer.parseInt(args[3]);
        int lastUser = Integer.parseInt(args[4]);
        int total = rate * seconds;
        long periodNanos = 1_000_000_000L / rate;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        Random random = new Random(1000);
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            int user = firstUser + random.nextInt(lastUser - firstUser + 1);
            HttpRequest request = hello ? HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build()
                    : HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"uid\": " + user + "}")).build();
            int slot = i;
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latencies[slot] = System.nanoTime() - due;
                if (failure != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        long sentIn = System.nanoTime() - start;
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " requests never answered");
        }
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT,
                "requests=%d errors=%d offered_rate=%.0f/s p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms%n",
                total, errors.get(), total / (sentIn / 1e9), ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 0.999), latencies[total - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
