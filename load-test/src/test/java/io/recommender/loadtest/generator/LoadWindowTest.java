package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The time line both engines keep to, with stand-in users. */
class LoadWindowTest {

    private static LoadGenerator.Config config(Duration warmup, Duration duration) {
        return new LoadGenerator.Config(URI.create("http://localhost:1"), Endpoint.PREDICT, 1, 0, duration, warmup,
            Duration.ofMillis(1), new UserIdMix(1, 610, 0), 1);
    }

    private static void start(Runnable task) {
        Thread thread = new Thread(task, "window-test");
        thread.setDaemon(true);
        thread.start();
    }

    /** Users that have stopped once {@code stopped} is set, and note what the window asked of them. */
    private static final class StandInUsers implements LoadWindow.Users {
        final AtomicBoolean stopped = new AtomicBoolean();
        final AtomicInteger loadOverCalls = new AtomicInteger();
        volatile long cutOffAt;

        @Override
        public boolean awaitStopped(long deadlineNanos) {
            while (!stopped.get() && deadlineNanos - System.nanoTime() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return stopped.get();
        }

        @Override
        public void loadOver() {
            loadOverCalls.incrementAndGet();
        }

        @Override
        public void cutOff() {
            cutOffAt = System.nanoTime();
            stopped.set(true);
        }
    }

    @Test
    void warmUpRequestsAreNotMeasuredAndTheLoadEndsAfterTheDuration() {
        LoadWindow window = LoadWindow.openNow(config(Duration.ofSeconds(10), Duration.ofSeconds(5)), () -> false);
        long now = System.nanoTime();

        assertThat(window.measures(now)).isFalse();
        assertThat(window.measures(now + Duration.ofSeconds(10).toNanos())).isTrue();
        assertThat(window.loadOver(now)).isFalse();
        assertThat(window.loadOver(window.end())).isTrue();
        assertThat(window.elapsedSeconds()).isZero();
        assertThat(window.newStats().requestsPerSecond()).hasSize(6);
    }

    @Test
    void usersThatStopInTimeAreNotCutOff() {
        LoadWindow window = LoadWindow.openNow(config(Duration.ZERO, Duration.ofMillis(200)), () -> false);
        StandInUsers users = new StandInUsers();
        start(() -> {
            while (!window.loadOver(System.nanoTime())) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            users.stopped.set(true);
        });

        window.awaitUsers(users);

        assertThat(users.stopped).isTrue();
        assertThat(users.cutOffAt).isZero();
    }

    @Test
    void aStopEndsTheLoadAndUsersStillBusyAreCutOffThatLongAfterIt() {
        AtomicBoolean stop = new AtomicBoolean();
        LoadGenerator.Config config = config(Duration.ZERO, Duration.ofMinutes(10));
        LoadWindow window = LoadWindow.openNow(config, stop::get);
        StandInUsers users = new StandInUsers();
        long stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        start(() -> {
            LockSupport.parkNanos(stopAt - System.nanoTime());
            stop.set(true);
        });

        window.awaitUsers(users);

        assertThat(window.loadOver(System.nanoTime())).isTrue();
        assertThat(users.loadOverCalls).hasPositiveValue();
        // The stop is seen within a poll (100 ms; a second allowed for a busy machine), the users cut off a cut-off
        // after that: not a cut-off after the end of the 10 minutes.
        long cutOffAfterStop = users.cutOffAt - stopAt;
        assertThat(cutOffAfterStop).isBetween(config.cutOffAfterLoad().toNanos(),
            config.cutOffAfterLoad().plusSeconds(1).toNanos());
    }
}
