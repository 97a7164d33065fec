package io.recommender.loadtest.generator;

import io.recommender.loadtest.stats.RequestStats;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time line of one load, the same for every engine: it opens, runs the warm-up (requests made, not recorded),
 * measures for the duration, and ends then or when a stop is first seen; users still busy a cut-off
 * ({@link LoadGenerator.Config#cutOffAfterLoad}) after the end are cut off. Times are {@link System#nanoTime()}s,
 * compared by subtraction, as that clock may wrap.
 */
final class LoadWindow {

    private static final Logger LOG = LoggerFactory.getLogger(LoadWindow.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final long measureFrom;
    private final long end;
    private final long cutOffNanos;
    private final int timelineSeconds;
    private final Instant startedAt;
    private final BooleanSupplier stopRequested;

    private LoadWindow(LoadGenerator.Config config, BooleanSupplier stopRequested) {
        this.measureFrom = System.nanoTime() + config.warmup().toNanos();
        this.end = measureFrom + config.duration().toNanos();
        this.cutOffNanos = config.cutOffAfterLoad().toNanos();
        this.timelineSeconds = (int) Math.min(Integer.MAX_VALUE - 1, (config.duration().toMillis() + 999) / 1000) + 1;
        this.startedAt = Instant.now().plus(config.warmup());
        this.stopRequested = stopRequested;
    }

    /**
     * Opens the window now.
     *
     * @param stopRequested polled by the users before each request: once true, the load ends as at the end of the
     *                      duration
     */
    static LoadWindow openNow(LoadGenerator.Config config, BooleanSupplier stopRequested) {
        return new LoadWindow(config, stopRequested);
    }

    /** When the measured load starts (after the warm-up), as a wall-clock instant for the report. */
    Instant startedAt() {
        return startedAt;
    }

    /** The end of the duration; a stop may end the load earlier. */
    long end() {
        return end;
    }

    /** Whether no new request is to be sent at {@code now}: the duration is up, or a stop was asked for. */
    boolean loadOver(long now) {
        return now - end >= 0 || stopRequested.getAsBoolean();
    }

    /** Whether a request sent at {@code sentAt} is measured, rather than warm-up. */
    boolean measures(long sentAt) {
        return sentAt - measureFrom >= 0;
    }

    /** Empty stats whose time line is this window's measured seconds. */
    RequestStats newStats() {
        return new RequestStats(measureFrom, timelineSeconds);
    }

    /** Seconds from the start of the measured load until now (zero while warming up). */
    double elapsedSeconds() {
        return Math.max(0, System.nanoTime() - measureFrom) / 1e9;
    }

    long cutOffMillis() {
        return TimeUnit.NANOSECONDS.toMillis(cutOffNanos);
    }

    /**
     * Returns once every user has stopped: at the end of the load, told so with {@link Users#loadOver}; those still
     * busy a cut-off after it (the end of the duration, or when a stop was first seen), with {@link Users#cutOff}.
     */
    void awaitUsers(Users users) {
        long loadEnd = end;
        while (true) {
            long now = System.nanoTime();
            long cutOffAt = loadEnd + cutOffNanos;
            if (users.awaitStopped(now + POLL_NANOS - cutOffAt < 0 ? now + POLL_NANOS : cutOffAt)) {
                return;
            }
            now = System.nanoTime();
            if (loadEnd == end && now - end < 0 && stopRequested.getAsBoolean()) {
                loadEnd = now;
            }
            if (now - loadEnd >= 0) {
                users.loadOver();
            }
            if (now - (loadEnd + cutOffNanos) >= 0) {
                LOG.warn("users still busy {} ms after the end of the load; closing their connections",
                    TimeUnit.NANOSECONDS.toMillis(now - loadEnd));
                users.cutOff();
                return;
            }
        }
    }

    /** An engine's users, as {@link #awaitUsers} waits for them. */
    interface Users {

        /** Waits until every user has stopped, or until {@code deadlineNanos}; whether they all have. */
        boolean awaitStopped(long deadlineNanos);

        /** The load is over: users waiting for their next turn have nothing left to send. Idempotent. */
        void loadOver();

        /**
         * Ends the requests still busy (each then fails) and waits up to {@link LoadGenerator#GRACE} for the users to
         * stop; none may be left holding a thread or a connection after that.
         */
        void cutOff();
    }
}
