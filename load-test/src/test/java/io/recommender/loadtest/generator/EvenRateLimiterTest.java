package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvenRateLimiterTest {

    @Test
    void spacesPermitsOneIntervalApartAcrossThreads() throws InterruptedException {
        EvenRateLimiter limiter = new EvenRateLimiter(1000);
        assertThat(limiter.intervalNanos()).isEqualTo(1_000_000);
        long start = System.nanoTime();
        limiter.start();
        long end = start + Duration.ofMillis(300).toNanos();
        Queue<Long> grantedAt = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (!limiter.acquire()) {
                        grantedAt.add(System.nanoTime());
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        limiter.stop();

        // However the threads are scheduled, the n-th permit (from 0) cannot come before n intervals have passed.
        List<Long> sorted = grantedAt.stream().sorted().toList();
        assertThat(sorted).isNotEmpty();
        for (int n = 0; n < sorted.size(); n++) {
            assertThat(sorted.get(n) - start).as("permit %d", n).isGreaterThanOrEqualTo(n * 1_000_000L);
        }
    }

    @Test
    void banksNoPermitsWhileIdle() throws InterruptedException {
        EvenRateLimiter limiter = new EvenRateLimiter(1000);
        limiter.start();
        Thread.sleep(200);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            assertThat(limiter.acquire()).isFalse();
        }
        // The first permit is at once, the next ten each 1 ms later: no burst of the 200 slots missed while idle.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(10).toNanos());
        limiter.stop();
    }

    @Test
    void stopReleasesAWaitingUserWithoutAPermit() throws InterruptedException {
        EvenRateLimiter limiter = new EvenRateLimiter(0.1);
        limiter.start();
        assertThat(limiter.acquire()).isFalse();
        AtomicInteger outcome = new AtomicInteger(-1);
        Thread waiting = new Thread(() -> outcome.set(limiter.acquire() ? 1 : 0));
        waiting.start();
        Thread.sleep(50);
        assertThat(waiting.isAlive()).as("the next permit is 10 s away").isTrue();
        limiter.stop();
        waiting.join(Duration.ofSeconds(5).toMillis());
        assertThat(waiting.isAlive()).isFalse();
        assertThat(outcome.get()).isEqualTo(1);
        assertThat(limiter.isStopped()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.POSITIVE_INFINITY, Double.NaN})
    void refusesNoRate(double rps) {
        assertThatThrownBy(() -> new EvenRateLimiter(rps)).isInstanceOf(IllegalArgumentException.class);
    }
}
