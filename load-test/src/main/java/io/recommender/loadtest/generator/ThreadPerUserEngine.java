package io.recommender.loadtest.generator;

import io.recommender.loadtest.stats.RequestStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Engine#LOCUST4J} engine: every user a thread running a {@link RecommenderTask} (a locust4j task) that
 * blocks on its request, over a pooled keep-alive connection of its own, paced by an {@link EvenRateLimiter}.
 *
 * <p>locust4j 1.0.14 runs tasks only under its {@code Runner}, which waits for a master's spawn message and reports
 * stats to that master every 3 s, resetting them each time; its only master-less entry, {@code Locust.dryRun}, runs
 * each task once. So the loop is here, and each task records into its own {@link RequestStats}, merged at the end.
 */
final class ThreadPerUserEngine implements LoadEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadPerUserEngine.class);

    private final LoadGenerator.Config config;
    private final RequestListener listener;
    private final TargetClient client;

    ThreadPerUserEngine(LoadGenerator.Config config, RequestListener listener) {
        this.config = config;
        this.listener = listener;
        this.client = new TargetClient(config.target(), config.users(), config.requestTimeout());
    }

    @Override
    public RequestStats run(LoadWindow window) {
        EvenRateLimiter limiter = config.rps() > 0 ? new EvenRateLimiter(config.rps()) : null;
        SplittableRandom seeds = new SplittableRandom(config.seed());
        List<RequestStats> perUser = new ArrayList<>(config.users());
        List<Thread> users = new ArrayList<>(config.users());
        if (limiter != null) {
            limiter.start();
        }
        try {
            for (int i = 0; i < config.users(); i++) {
                RequestStats stats = window.newStats();
                RecommenderTask task = new RecommenderTask(client, config.endpoint(), config.mix(), seeds.split(),
                    window, stats, listener);
                Thread user = new Thread(() -> loop(task, limiter, window), "loadtest-user-" + i);
                // A user stuck past every deadline must not keep the JVM alive; it is still joined below.
                user.setDaemon(true);
                perUser.add(stats);
                users.add(user);
                user.start();
            }
            window.awaitUsers(new LoadWindow.Users() {
                @Override
                public boolean awaitStopped(long deadlineNanos) {
                    return joinAll(users, deadlineNanos);
                }

                @Override
                public void loadOver() {
                    // Users waiting for a permit due after the end have nothing left to send.
                    if (limiter != null && !limiter.isStopped()) {
                        limiter.stop();
                    }
                }

                @Override
                public void cutOff() {
                    client.abort();
                    users.forEach(Thread::interrupt);
                    joinAll(users, System.nanoTime() + LoadGenerator.GRACE.toNanos());
                }
            });
        } finally {
            if (limiter != null) {
                limiter.stop();
            }
        }
        RequestStats total = window.newStats();
        // Stats are read only after their user has stopped (or, stuck, been given up on and its connection closed).
        perUser.forEach(total::merge);
        return total;
    }

    @Override
    public void close() {
        client.close();
    }

    private void loop(RecommenderTask task, EvenRateLimiter limiter, LoadWindow window) {
        long waitNanos = config.pause().toNanos();
        try {
            task.onStart();
            while (!window.loadOver(System.nanoTime()) && !Thread.currentThread().isInterrupted()) {
                // acquire() answers true when released without a permit (the load is over): check again.
                if (limiter != null && limiter.acquire()) {
                    continue;
                }
                if (window.loadOver(System.nanoTime())) {
                    break;
                }
                task.execute();
                if (waitNanos > 0) {
                    pause(waitNanos, window);
                }
            }
        } catch (Exception e) {
            LOG.error("a load user stopped on an unexpected error", e);
        } finally {
            task.onStop();
        }
    }

    /** A user's wait between requests, cut short by the end of the load or a stop. */
    private static void pause(long waitNanos, LoadWindow window) {
        long now = System.nanoTime();
        long until = now + waitNanos - window.end() < 0 ? now + waitNanos : window.end();
        long left;
        while ((left = until - System.nanoTime()) > 0 && !window.loadOver(System.nanoTime())
            && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(Math.min(left, EvenRateLimiter.STOP_CHECK));
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
