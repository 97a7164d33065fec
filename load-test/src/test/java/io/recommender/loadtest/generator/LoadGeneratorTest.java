package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.loadtest.TestTarget;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.SloThresholds;
import io.recommender.loadtest.stats.LocustBuckets;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The load generator against a real HTTP server on loopback. */
class LoadGeneratorTest {

    private static final SloThresholds P95_20MS = new SloThresholds(null, null, 20.0, null, 0.01, null);
    private static final SloThresholds GENEROUS = new SloThresholds(null, null, 5000.0, 5000.0, 0.01, null);

    private static LoadGenerator.Config config(Engine engine, URI target, int users, double rps, Duration duration,
                                               Duration requestTimeout, double unknownFraction) {
        return new LoadGenerator.Config(target, Endpoint.PREDICT, users, rps, duration, Duration.ZERO, requestTimeout,
            new UserIdMix(1, 610, unknownFraction), 1, Duration.ZERO, engine);
    }

    private static LoadTestReport runAndReport(LoadGenerator.Config config, SloThresholds slo) {
        return LoadReports.build(config, LoadGenerator.run(config), slo);
    }

    /** Every thread a run starts has ended by the time it returns. */
    @AfterEach
    void nothingLeftRunning() {
        List<String> left = Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("loadtest-"))
            .toList();
        assertThat(left).as("threads left running").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFastTargetPassesAtTheAskedRate(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 5))) {
            LoadGenerator.Config config = config(engine, target.uri(), 4, 100, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 0.1);
            LoadTestReport report = runAndReport(config, GENEROUS);

            assertThat(report.verdict().passed()).as(report.verdict().reason()).isTrue();
            assertThat(report.verdict().reason()).startsWith("SLO met: error rate 0% <= 1%, p95 ");
            assertThat(report.failures()).isZero();
            // Permits come every 10 ms from the start, so 2 s hold at most 201 of them (fewer on a busy machine).
            assertThat(report.requests()).isBetween(1L, 201L);
            assertThat(report.latencyMs().p50()).isGreaterThanOrEqualTo(5);
            assertThat(target.requestsSeen()).isEqualTo(report.requests() + 1);
            assertThat(report.timeline()).hasSize(3);
            assertThat(report.timeline().stream().mapToLong(LoadTestReport.Second::requests).sum())
                .isEqualTo(report.requests());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void warmUpRequestsAreMadeButNotMeasured(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 2))) {
            LoadGenerator.Config config = new LoadGenerator.Config(target.uri(), Endpoint.PREDICT, 2, 100,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), new UserIdMix(1, 610, 0.1), 1,
                Duration.ZERO, engine);
            LoadTestReport report = runAndReport(config, GENEROUS);

            // 100 rps for 1 s measured: at most 101 permits fall in it; the warm-up second's (and the preflight) are on
            // top of them at the target.
            assertThat(report.requests()).isBetween(1L, 101L);
            assertThat((long) target.requestsSeen()).isGreaterThan(report.requests() + 1);
            assertThat(report.load().warmupSeconds()).isEqualTo(1.0);
            assertThat(report.durationSeconds()).isLessThan(1.5);
            assertThat(report.timeline().stream().mapToLong(LoadTestReport.Second::requests).sum())
                .isEqualTo(report.requests());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSlowTargetFailsNamingThePercentileAndItsThreshold(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 60))) {
            LoadTestReport report = runAndReport(
                config(engine, target.uri(), 4, 0, Duration.ofMillis(1500), Duration.ofSeconds(2), 0.1), P95_20MS);

            assertThat(report.verdict().passed()).isFalse();
            assertThat(report.latencyMs().p95()).isGreaterThanOrEqualTo(60);
            assertThat(report.verdict().reason())
                .isEqualTo("p95 " + (long) report.latencyMs().p95() + " ms > SLO 20 ms");
        }
    }

    /**
     * Cross-checks the reported percentiles two ways: against the raw samples, bucketed and sorted by hand, and
     * against the target's own timing of the same requests (the client's time encloses the server's, so each
     * client percentile is at least the server's, and not far above it on loopback).
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void percentilesAgreeWithTheRawSamplesAndWithTheServersTiming(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> userId % 10 == 0 ? 40 : 10))) {
            Queue<Long> samples = new ConcurrentLinkedQueue<>();
            LoadGenerator.Config config = config(engine, target.uri(), 8, 0, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 0);
            LoadGenerator.Result result = LoadGenerator.run(config,
                (userId, start, nanos, error) -> samples.add(nanos));
            LoadTestReport report = LoadReports.build(config, result, GENEROUS);

            assertThat(report.requests()).isEqualTo(samples.size()).isGreaterThan(20);
            List<Long> buckets = new ArrayList<>();
            samples.forEach(nanos -> buckets.add(LocustBuckets.bucketMillis(nanos / 1e6)));
            Collections.sort(buckets);
            assertThat(report.latencyMs().p50()).isEqualTo(byHand(buckets, 0.50));
            assertThat(report.latencyMs().p90()).isEqualTo(byHand(buckets, 0.90));
            assertThat(report.latencyMs().p95()).isEqualTo(byHand(buckets, 0.95));
            assertThat(report.latencyMs().p99()).isEqualTo(byHand(buckets, 0.99));
            assertThat(report.latencyMs().max()).isEqualTo(
                Math.round(samples.stream().mapToLong(Long::longValue).max().orElseThrow() / 1e3) / 1e3);

            List<Long> server = new ArrayList<>(target.serverNanos());
            List<Long> client = new ArrayList<>(samples);
            Collections.sort(server);
            Collections.sort(client);
            for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
                double clientMs = client.get((int) (client.size() * p)) / 1e6;
                double serverMs = server.get((int) (server.size() * p)) / 1e6;
                assertThat(clientMs).as("client p%s vs server", p).isGreaterThanOrEqualTo(serverMs - 1);
            }
            double clientMedian = client.get(client.size() / 2) / 1e6;
            double serverMedian = server.get(server.size() / 2) / 1e6;
            // Loose enough for a busy machine, tight enough to catch a unit slip (us for ms is 1000x).
            assertThat(clientMedian).isLessThan(serverMedian + 200);
            assertThat(report.latencyMs().p50()).isGreaterThanOrEqualTo(10);
            assertThat(report.latencyMs().p95()).isGreaterThanOrEqualTo(40);
            assertThat(report.preciseLatencyMs().p95()).isGreaterThanOrEqualTo(40);
        }
    }

    private static double byHand(List<Long> sortedBuckets, double percent) {
        return sortedBuckets.get((int) Math.min(sortedBuckets.size() - 1, (long) (sortedBuckets.size() * percent)));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetAnswering500sFailsOnItsErrorRate(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.status(500))) {
            LoadTestReport report = runAndReport(
                config(engine, target.uri(), 2, 50, Duration.ofSeconds(1), Duration.ofSeconds(2), 0.1), GENEROUS);

            assertThat(report.requests()).isPositive();
            assertThat(report.failures()).isEqualTo(report.requests());
            assertThat(report.errors()).containsExactly(new LoadTestReport.ErrorCount("HTTP 500", report.requests()));
            assertThat(report.verdict().passed()).isFalse();
            assertThat(report.verdict().reason())
                .isEqualTo("error rate 100% > SLO 1% (commonest: HTTP 500 x" + report.requests() + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnreachableTargetFailsAtOnce(Engine engine) throws IOException {
        LoadGenerator.Config config = config(engine, TestTarget.nothingListening(), 4, 100, Duration.ofSeconds(30),
            Duration.ofSeconds(2), 0.1);
        long start = System.nanoTime();
        LoadTestReport report = runAndReport(config, GENEROUS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(report.verdict().passed()).isFalse();
        assertThat(report.verdict().reason()).startsWith("target unreachable: connection failed: ")
            .contains("Connection refused");
        assertThat(report.requests()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetThatNeverAnswersFailsAfterOneRequestTimeout(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.hangAfter(0))) {
            LoadGenerator.Config config = config(engine, target.uri(), 4, 100, Duration.ofSeconds(30),
                Duration.ofMillis(500), 0.1);
            long start = System.nanoTime();
            LoadTestReport report = runAndReport(config, GENEROUS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(report.verdict()).extracting(v -> v.passed(), v -> v.reason())
                .containsExactly(false, "target not answering: no answer within 500 ms");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetTricklingItsFirstAnswerFailsAfterTheRequestTimeoutAndGrace(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.trickleAfter(0, 100))) {
            LoadGenerator.Config config = config(engine, target.uri(), 2, 100, Duration.ofSeconds(30),
                Duration.ofMillis(500), 0.1);
            long start = System.nanoTime();
            LoadTestReport report = runAndReport(config, GENEROUS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(report.verdict()).extracting(v -> v.passed(), v -> v.reason())
                .containsExactly(false, "target not answering: no complete answer within 2500 ms");
            assertThat(target.requestsSeen()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetHangingMidRunTimesOutAndTheRunEndsInTime(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.hangAfter(1))) {
            LoadGenerator.Config config = config(engine, target.uri(), 4, 0, Duration.ofSeconds(1),
                Duration.ofMillis(700), 0.1);
            long start = System.nanoTime();
            LoadTestReport report = runAndReport(config, GENEROUS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(config.maxRunTime());
            assertThat(report.requests()).isPositive();
            assertThat(report.failures()).isEqualTo(report.requests());
            assertThat(report.verdict().reason())
                .startsWith("error rate 100% > SLO 1% (commonest: timeout: no answer within 700 ms x");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetTricklingItsAnswersIsCutOffAfterTheLoad(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.trickleAfter(1, 100))) {
            LoadGenerator.Config config = config(engine, target.uri(), 3, 0, Duration.ofSeconds(1),
                Duration.ofMillis(500), 0.1);
            long start = System.nanoTime();
            LoadTestReport report = runAndReport(config, GENEROUS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Each read gets a byte within the timeout, so only the cut-off can end these requests.
            assertThat(took).isGreaterThanOrEqualTo(config.duration().plus(config.cutOffAfterLoad()));
            assertThat(took).isLessThan(config.maxRunTime());
            assertThat(report.requests()).isEqualTo(3);
            assertThat(report.failures()).isEqualTo(3);
            assertThat(report.verdict().passed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void usersPauseBetweenTheirRequests(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 0))) {
            LoadGenerator.Config config = new LoadGenerator.Config(target.uri(), Endpoint.PREDICT, 2, 0,
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(2), new UserIdMix(1, 610, 0.1), 1,
                Duration.ofMillis(100), engine);
            LoadTestReport report = runAndReport(config, GENEROUS);

            // Two users, each at most one request per 100 ms pause in 1 s: 11 each at the very most.
            assertThat(report.requests()).isBetween(2L, 22L);
            assertThat(report.failures()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTargetClosingEveryConnectionIsLoadedOverNewOnes(Engine engine) throws IOException {
        try (TestTarget target = new TestTarget((n, userId, exchange) -> {
            exchange.getResponseHeaders().add("Connection", "close");
            TestTarget.ok(exchange);
        })) {
            LoadTestReport report = runAndReport(
                config(engine, target.uri(), 2, 100, Duration.ofSeconds(1), Duration.ofSeconds(2), 0.1), GENEROUS);

            assertThat(report.requests()).isGreaterThan(10);
            assertThat(report.failures()).isZero();
        }
    }

    @Test
    void anOversizedAnswerFailsWithoutBeingBuffered() throws IOException {
        byte[] huge = new byte[NettyTarget.MAX_ANSWER_BYTES + 1];
        try (TestTarget target = new TestTarget((n, userId, exchange) -> {
            if (n == 1) {
                TestTarget.ok(exchange);
                return;
            }
            exchange.sendResponseHeaders(200, huge.length);
            exchange.getResponseBody().write(huge);
        })) {
            LoadTestReport report = runAndReport(config(Engine.EVENT_LOOP, target.uri(), 1, 20, Duration.ofMillis(500),
                Duration.ofSeconds(2), 0.1), GENEROUS);

            assertThat(report.requests()).isPositive();
            assertThat(report.errors()).containsExactly(
                new LoadTestReport.ErrorCount("answer larger than 1048576 bytes", report.requests()));
        }
    }
}
