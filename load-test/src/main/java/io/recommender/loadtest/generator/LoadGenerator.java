package io.recommender.loadtest.generator;

import com.github.myzhan.locust4j.ratelimit.AbstractRateLimiter;
import io.recommender.loadtest.stats.RequestStats;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a load standalone, without a Locust master, until the duration is up or a stop is asked for: {@code users}
 * simulated users, each with at most one request in flight, paced together by an {@link EvenRateLimiter} and each
 * pausing {@link Config#pause} between its requests (Locust's {@code wait_time = constant(...)}). Two engines run the
 * users ({@link Engine}): one Netty event loop for all of them (the default, which times answers exactly), or one
 * thread each running a locust4j task.
 *
 * <p>locust4j 1.0.14 runs tasks only under its {@code Runner}, which waits for a master's spawn message and reports
 * stats to that master every 3 s, resetting them each time; its only master-less entry, {@code Locust.dryRun}, runs
 * each task once. So the loop is here, and each task records into its own {@link RequestStats}.
 *
 * <p>Run time is bounded whatever the target does (see {@link Config#maxRunTime}): a call waits at most the request
 * timeout to connect and for each read; users stop taking new requests at the end of the load; and users still busy
 * a request timeout and {@link #GRACE} later have their connections closed under them. When {@link #run} returns, no
 * thread or connection it started is left.
 */
public final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);

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
        int timelineSeconds = (int) Math.min(Integer.MAX_VALUE - 1, (config.duration().toMillis() + 999) / 1000) + 1;
        try (TargetClient client = new TargetClient(config.target(), config.users(), config.requestTimeout())) {
            String abortReason = preflight(client, config);
            if (abortReason != null) {
                return Result.aborted(abortReason);
            }
            if (config.engine() == Engine.LOCUST4J) {
                return load(client, config, listener, stopRequested, timelineSeconds);
            }
        }
        return EventLoopEngine.load(config, listener, stopRequested, timelineSeconds);
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

    private static Result load(TargetClient client, Config config, RequestListener listener,
                               BooleanSupplier stopRequested, int timelineSeconds) {
        long start = System.nanoTime();
        long measureFrom = start + config.warmup().toNanos();
        long end = measureFrom + config.duration().toNanos();
        Instant startedAt = Instant.now().plus(config.warmup());
        AbstractRateLimiter limiter = config.rps() > 0 ? new EvenRateLimiter(config.rps()) : null;
        SplittableRandom seeds = new SplittableRandom(config.seed());
        List<RequestStats> perUser = new ArrayList<>(config.users());
        List<Thread> users = new ArrayList<>(config.users());
        if (limiter != null) {
            limiter.start();
        }
        try {
            for (int i = 0; i < config.users(); i++) {
                RequestStats stats = new RequestStats(measureFrom, timelineSeconds);
                RecommenderTask task = new RecommenderTask(client, config.endpoint(), config.mix(), seeds.split(),
                    measureFrom, stats, listener);
                Thread user = new Thread(() -> loop(task, limiter, config.pause().toNanos(), end, stopRequested),
                    "loadtest-user-" + i);
                // A user stuck past every deadline must not keep the JVM alive; it is still joined below.
                user.setDaemon(true);
                perUser.add(stats);
                users.add(user);
                user.start();
            }
            awaitUsers(users, client, limiter, end, config.cutOffAfterLoad().toNanos(), stopRequested);
        } finally {
            if (limiter != null) {
                limiter.stop();
            }
        }
        double elapsedSeconds = Math.max(0, System.nanoTime() - measureFrom) / 1e9;
        RequestStats total = new RequestStats(measureFrom, timelineSeconds);
        // Stats are read only after their user has stopped (or, stuck, been given up on and its connection closed).
        perUser.forEach(total::merge);
        return new Result(total, startedAt, elapsedSeconds, null);
    }

    private static void loop(RecommenderTask task, AbstractRateLimiter limiter, long waitNanos, long end,
                             BooleanSupplier stop) {
        try {
            task.onStart();
            while (System.nanoTime() < end && !stop.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                // acquire() answers true when released without a permit (the load is over): check again.
                if (limiter != null && limiter.acquire()) {
                    continue;
                }
                if (System.nanoTime() >= end || stop.getAsBoolean()) {
                    break;
                }
                task.execute();
                if (waitNanos > 0) {
                    pause(waitNanos, end, stop);
                }
            }
        } catch (Exception e) {
            LOG.error("a load user stopped on an unexpected error", e);
        } finally {
            task.onStop();
        }
    }

    /** A user's wait between requests, cut short by the end of the load or a stop. */
    private static void pause(long waitNanos, long end, BooleanSupplier stop) {
        long until = Math.min(System.nanoTime() + waitNanos, end);
        long left;
        while ((left = until - System.nanoTime()) > 0 && !stop.getAsBoolean()
            && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(Math.min(left, EvenRateLimiter.STOP_CHECK));
        }
    }

    /**
     * Waits for the users to stop; those still busy {@code cutOffNanos} after the load ended (at the end of the
     * duration, or when a stop was first seen) have their connections closed under them.
     */
    private static void awaitUsers(List<Thread> users, TargetClient client, AbstractRateLimiter limiter, long end,
                                   long cutOffNanos, BooleanSupplier stopRequested) {
        long loadEnd = end;
        while (!joinAll(users, Math.min(System.nanoTime() + POLL.toNanos(), loadEnd + cutOffNanos))) {
            long now = System.nanoTime();
            if (loadEnd == end && now < end && stopRequested.getAsBoolean()) {
                loadEnd = now;
            }
            if (now >= loadEnd && limiter != null && !limiter.isStopped()) {
                // Users waiting for a permit due after the end have nothing left to send.
                limiter.stop();
            }
            if (now >= loadEnd + cutOffNanos) {
                LOG.warn("users still busy {} ms after the end of the load; closing their connections",
                    TimeUnit.NANOSECONDS.toMillis(now - loadEnd));
                client.abort();
                users.forEach(Thread::interrupt);
                joinAll(users, System.nanoTime() + GRACE.toNanos());
                return;
            }
        }
    }

    /** Whether every thread ended before {@code deadlineNanos}. */
    private static boolean joinAll(List<Thread> threads, long deadlineNanos) {
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return threads.stream().noneMatch(Thread::isAlive);
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
