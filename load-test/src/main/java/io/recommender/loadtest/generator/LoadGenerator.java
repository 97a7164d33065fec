package io.recommender.loadtest.generator;

import io.recommender.loadtest.stats.RequestStats;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a load standalone, without a Locust master, until the duration is up or a stop is asked for: one request to
 * check the target is worth loading, then the users, run by the {@link LoadEngine} that {@link Config#engine} picks,
 * within one {@link LoadWindow} (start, warm-up, end, cut-off) whichever engine it is.
 *
 * <p>Run time is bounded whatever the target does (see {@link Config#maxRunTime}): a call waits at most the request
 * timeout to connect and for each read; users stop taking new requests at the end of the load; and users still busy
 * a request timeout and {@link #GRACE} later have their connections closed under them. When {@link #run} returns, no
 * thread or connection it started is left.
 */
public final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    static final Duration GRACE = Duration.ofSeconds(2);

    private LoadGenerator() {
    }

    /**
     * @param target         base URL of the service, e.g. http://localhost:8080
     * @param endpoint       which endpoint to call
     * @param users          concurrent users, each with at most one request in flight
     * @param rps            requests per second for all users together, 0 for as fast as they can go
     * @param duration       how long to load and measure
     * @param warmup         how long to load before measuring (unmeasured: JIT compilation, caches and connection
     *                       set-up on both sides), as Locust's --reset-stats after the ramp-up does
     * @param requestTimeout a request that takes longer (to connect, or between bytes of the answer) fails
     * @param mix            which user ids to ask about
     * @param seed           seeds the user ids, for repeatable runs
     * @param pause          each user's pause after an answer before its next request (as a Locust user's constant
     *                       wait time, or wrk's per-connection delay); zero for none
     * @param engine         what runs the users
     */
    public record Config(URI target, Endpoint endpoint, int users, double rps, Duration duration, Duration warmup,
                         Duration requestTimeout, UserIdMix mix, long seed, Duration pause, Engine engine) {

        /** Users without pauses, on the default engine. */
        public Config(URI target, Endpoint endpoint, int users, double rps, Duration duration, Duration warmup,
                      Duration requestTimeout, UserIdMix mix, long seed) {
            this(target, endpoint, users, rps, duration, warmup, requestTimeout, mix, seed, Duration.ZERO,
                Engine.EVENT_LOOP);
        }

        public Config {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(mix, "mix");
            Objects.requireNonNull(pause, "pause");
            Objects.requireNonNull(engine, "engine");
            if (!"http".equals(target.getScheme()) || target.getHost() == null) {
                throw new IllegalArgumentException("the target must be an http:// URL with a host: " + target);
            }
            if (users < 1) {
                throw new IllegalArgumentException("need at least one user: " + users);
            }
            if (!(rps >= 0) || Double.isInfinite(rps)) {
                throw new IllegalArgumentException("the rate must be 0 (unlimited) or positive: " + rps);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("the duration must be positive: " + duration);
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("the warm-up must not be negative: " + warmup);
            }
            if (pause.isNegative()) {
                throw new IllegalArgumentException("the pause between requests must not be negative: " + pause);
            }
            if (requestTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("the request timeout must be at least 1 ms: " + requestTimeout);
            }
        }

        /**
         * When users still busy after the load are cut off: a late request has failed by then, and a user waiting for
         * a permit due after the end has been released (within {@link EvenRateLimiter#STOP_CHECK}).
         */
        Duration cutOffAfterLoad() {
            return requestTimeout.plus(GRACE);
        }

        /** Upper bound of {@link LoadGenerator#run}'s run time: preflight, load, cut-off, and closing. */
        public Duration maxRunTime() {
            return requestTimeout.plus(GRACE).plus(warmup).plus(duration).plus(cutOffAfterLoad()).plus(GRACE)
                .plus(GRACE);
        }
    }

    /**
     * @param stats          everything the users recorded, merged
     * @param startedAt      when the measured load started (after the warm-up)
     * @param elapsedSeconds from then until the last user stopped
     * @param abortReason    why no load was run, or null
     */
    public record Result(RequestStats stats, Instant startedAt, double elapsedSeconds, String abortReason) {

        public double rps() {
            return elapsedSeconds > 0 ? stats.requests() / elapsedSeconds : 0;
        }

        /** No load was run, for this reason. */
        public static Result aborted(String reason) {
            return new Result(new RequestStats(System.nanoTime(), 1), Instant.now(), 0, reason);
        }
    }

    public static Result run(Config config) {
        return run(config, RequestListener.NONE);
    }

    public static Result run(Config config, RequestListener listener) {
        return run(config, listener, () -> false);
    }

    /**
     * @param stopRequested polled by the users before each request: once true, they stop as at the end of the
     *                      duration (a Locust master stopping the test, for one)
     */
    public static Result run(Config config, RequestListener listener, BooleanSupplier stopRequested) {
        String abortReason;
        try (TargetClient probe = new TargetClient(config.target(), 1, config.requestTimeout())) {
            abortReason = preflight(probe, config);
        }
        if (abortReason != null) {
            return Result.aborted(abortReason);
        }
        try (LoadEngine engine = config.engine().open(config, listener)) {
            LoadWindow window = LoadWindow.openNow(config, stopRequested);
            RequestStats stats = engine.run(window);
            return new Result(stats, window.startedAt(), window.elapsedSeconds(), null);
        }
    }

    /**
     * One request before the load; why there is no point loading, or null. It gets the request timeout plus
     * {@link #GRACE} in all: a target that trickles its answer byte by byte has its connection closed then.
     */
    private static String preflight(TargetClient client, Config config) {
        long limitMs = config.requestTimeout().plus(GRACE).toMillis();
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loadtest-preflight-cutoff");
            thread.setDaemon(true);
            return thread;
        });
        String reason = null;
        try {
            timer.schedule(() -> {
                cutOff.set(true);
                client.abort();
            }, limitMs, TimeUnit.MILLISECONDS);
            client.call(config.endpoint(), config.mix().knownMin());
        } catch (IOException e) {
            if (TargetClient.isUnreachable(e)) {
                reason = "target unreachable: " + client.describe(e);
            } else if (e instanceof InterruptedIOException) {
                reason = "target not answering: no answer within " + config.requestTimeout().toMillis() + " ms";
            }
            // Anything else (a reset connection, a malformed answer) is for the load to measure.
        } catch (RuntimeException e) {
            // The cut-off closed the connection pool under the call; reported below.
            LOG.debug("preflight call ended by {}", e.toString());
        } finally {
            timer.shutdownNow();
            awaitQuietly(timer);
        }
        if (reason == null && cutOff.get()) {
            reason = "target not answering: no complete answer within " + limitMs + " ms";
        }
        return reason;
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
