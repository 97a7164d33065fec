package io.recommender.loadtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.bundle.UserPopulation;
import io.recommender.loadtest.RealUsers;
import io.recommender.loadtest.TestTarget;
import io.recommender.loadtest.stats.CacheAnswer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportJson;
import io.recommender.contracts.loadtest.TerminationMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LoadTestCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new LoadTestCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        commandLine.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        return commandLine.execute(args);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "--target http://127.0.0.1:1 --endpoint nope --known-users 1-610",
        "--target http://127.0.0.1:1 --max-error-rate 2 --known-users 1-610",
        "--target http://127.0.0.1:1 --p99-ms -5 --known-users 1-610",
        "--target http://127.0.0.1:1 --duration soon --known-users 1-610",
        "--target http://127.0.0.1:1 --users 0 --known-users 1-610",
        "--target https://127.0.0.1:1 --known-users 1-610",
        "--target http://127.0.0.1:1 --known-users 610-1",
        "--target http://127.0.0.1:1",
        "--target http://127.0.0.1:1 --known-users 1-610 --users-from /nonexistent",
        "--target http://127.0.0.1:1 --users-from /nonexistent/users.txt",
        "--target http://127.0.0.1:1 --users-from . --user-sampling loud",
        "--target http://127.0.0.1:1 --warmup -1s --known-users 1-610",
        "--target http://127.0.0.1:1 --locust-master localhost:port --known-users 1-610",
        "--target http://127.0.0.1:1 --locust-master localhost:70000 --known-users 1-610",
        "--target http://127.0.0.1:1 --locust-master :5557 --known-users 1-610"})
    void aWrongCommandLineExitsWith2(String args) {
        assertThat(run(args.isEmpty() ? new String[0] : args.split(" "))).isEqualTo(2);
        assertThat(stderr()).contains("Usage: load-test");
        assertThat(out.size()).isZero();
    }

    @Test
    void withoutUsersTheCommandSaysWhichOptionsNameThem() {
        assertThat(run("--target", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(stderr()).contains("say which users to ask about: --users-from", "or --known-users");
        assertThat(run("--target", "http://127.0.0.1:1", "--users-from", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(stderr()).contains("cannot read the users from", "neither a bundle directory nor a user population file");
    }

    @Test
    void aMetSloExitsWith0AndWritesEveryForm() throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 2))) {
            Path reportFile = dir.resolve("report.json");
            Path terminationLog = dir.resolve("termination-log");
            int status = run("--target", target.uri().toString(), "--known-users", "1-610", "--rps", "50", "--users", "2", "--duration", "1s",
                "--p95-ms", "5000", "--p99-ms", "5000", "--max-error-rate", "0.01",
                "--report-out", reportFile.toString(), "--termination-log", terminationLog.toString());

            assertThat(status).as(stderr()).isEqualTo(0);
            LoadTestReport report = ReportJson.read(Files.readString(reportFile));
            assertThat(report.verdict().passed()).isTrue();
            assertThat(report.requests()).isPositive();
            assertThat(report.slo().p95Ms()).isEqualTo(5000.0);
            assertThat(ReportJson.read(out.toString(StandardCharsets.UTF_8))).isEqualTo(report);
            String message = Files.readString(terminationLog);
            assertThat(message.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(TerminationMessage.KUBERNETES_LIMIT_BYTES);
            assertThat(ReportJson.read(message)).isEqualTo(report);
            assertThat(stderr()).contains("PASS: SLO met");
        }
    }

    @Test
    void aMissedSloExitsWith1() throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 30))) {
            Path terminationLog = dir.resolve("termination-log");
            int status = run("--target", target.uri().toString(), "--known-users", "1-610", "--endpoint", "recommendations", "--rps", "0",
                "--users", "2", "--duration", "1s", "--p99-ms", "10", "--termination-log", terminationLog.toString());

            assertThat(status).isEqualTo(1);
            LoadTestReport report = ReportJson.read(Files.readString(terminationLog));
            assertThat(report.endpoint()).isEqualTo("recommendations");
            assertThat(report.verdict().reason()).matches("p99 \\d+ ms > SLO 10 ms");
            assertThat(stderr()).contains("FAIL: p99 ");
        }
    }

    @Test
    void anImpossibleSloFailsInTimeSayingWhichTargets() throws IOException {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 2))) {
            Path terminationLog = dir.resolve("termination-log");
            long start = System.nanoTime();
            int status = run("--target", target.uri().toString(), "--known-users", "1-610", "--rps", "20", "--users", "2", "--duration", "1s",
                "--p99-ms", "0", "--max-error-rate", "0", "--min-rps", "1000000000",
                "--termination-log", terminationLog.toString());

            assertThat(status).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(ReportJson.read(Files.readString(terminationLog)).verdict().reason())
                .matches("p99 \\d+ ms > SLO 0 ms; throughput [\\d.]+ rps < SLO 1000000000 rps");
        }
    }

    @Test
    void anUnreachableTargetExitsWith1AndSaysWhy() throws IOException {
        Path terminationLog = dir.resolve("termination-log");
        int status = run("--target", TestTarget.nothingListening().toString(), "--known-users", "1-610", "--duration", "1m",
            "--termination-log", terminationLog.toString());

        assertThat(status).isEqualTo(1);
        assertThat(ReportJson.read(Files.readString(terminationLog)).verdict().reason())
            .startsWith("target unreachable: ");
    }

    @Test
    void noLocustMasterExitsWith1AndSaysWhy() throws IOException {
        Path terminationLog = dir.resolve("termination-log");
        int status = run("--target", "http://127.0.0.1:1", "--known-users", "1-610", "--locust-master", "127.0.0.1:1",
            "--locust-connect-timeout", "300ms", "--termination-log", terminationLog.toString());

        assertThat(status).isEqualTo(1);
        assertThat(ReportJson.read(Files.readString(terminationLog)).verdict().reason())
            .isEqualTo("no Locust master answered at 127.0.0.1:1 within 300 ms");
    }

    /**
     * The program as the operator's Job runs it, in a process of its own, against a target that stops answering
     * after the first request: it must end by itself, in time, exit 1 and leave the reason in its termination log.
     */
    @Test
    void theProgramEndsByItselfAgainstAHangingTarget() throws IOException, InterruptedException {
        try (TestTarget target = new TestTarget(TestTarget.hangAfter(1))) {
            Path terminationLog = dir.resolve("termination-log");
            List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoadTestCommand.class.getName(),
                "--target", target.uri().toString(), "--known-users", "1-610", "--users", "3", "--duration", "2s",
                "--request-timeout", "1s", "--termination-log", terminationLog.toString()));
            Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr").toFile())
                .start();
            // Its own bound is 2 s + 1 s timeout + grace: well inside a minute, JVM start-up included.
            boolean ended = process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }

            assertThat(ended).as("the load-test process ended by itself").isTrue();
            assertThat(process.exitValue()).as(Files.readString(dir.resolve("stderr"))).isEqualTo(1);
            assertThat(ReportJson.read(Files.readString(terminationLog)).verdict().reason())
                .startsWith("error rate 100% > SLO 1% (commonest: timeout: no answer within 1000 ms x");
        }
    }

    /**
     * SIGTERM (a deleted or deadline-exceeded pod) ends the load at once, and the termination log still gets the
     * report of what was measured, with a verdict that says it was cut short rather than a pass.
     */
    @Test
    void sigtermEndsTheLoadEarlyAndTheReportOfWhatWasMeasuredIsWritten() throws Exception {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 1))) {
            Path terminationLog = dir.resolve("termination-log");
            Path stderr = dir.resolve("stderr");
            List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoadTestCommand.class.getName(),
                "--target", target.uri().toString(), "--known-users", "1-610", "--users", "2", "--rps", "50",
                "--duration", "10m", "--max-error-rate", "0", "--termination-log", terminationLog.toString()));
            Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.readString(stderr).contains("load-test: ") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(2000);

            process.destroy();
            boolean ended = process.waitFor(30, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }

            assertThat(ended).as("SIGTERM ends a 10-minute load within 30 s").isTrue();
            LoadTestReport report = ReportJson.read(Files.readString(terminationLog));
            assertThat(report.verdict().passed()).isFalse();
            assertThat(report.verdict().reason()).startsWith("stopped early (SIGTERM) after ")
                .endsWith(" s of the 600.0 s asked for: not judged");
            assertThat(report.requests()).isPositive();
            assertThat(report.failures()).isZero();
            assertThat(Files.readString(stderr)).contains("load-test: stopped early (SIGTERM)");
        }
    }

    /**
     * A target that caches like the recommender: a known user's first request is computed (5 ms, "miss"), later
     * ones are hits; unknown users are never cached. The report's split must match what the target answered.
     */
    @ParameterizedTest
    @ValueSource(strings = {"event-loop", "locust4j"})
    void theReportSplitsCacheHitsFromComputedAnswers(String engine) throws Exception {
        UserPopulation real = RealUsers.population();
        Path population = dir.resolve("users.txt");
        real.write(population);
        Set<Long> cached = ConcurrentHashMap.newKeySet();
        AtomicLong hits = new AtomicLong();
        AtomicLong misses = new AtomicLong();
        Set<Long> unknownAsked = ConcurrentHashMap.newKeySet();
        TestTarget.Behaviour cache = (n, userId, exchange) -> {
            boolean known = userId <= real.maxUserId();
            if (!known) {
                unknownAsked.add(userId);
            }
            boolean hit = known && !cached.add(userId);
            if (!hit) {
                Thread.sleep(5);
            }
            (hit ? hits : misses).incrementAndGet();
            exchange.getResponseHeaders().add(CacheAnswer.HEADER, hit ? "hit" : "miss");
            TestTarget.ok(exchange);
        };
        try (TestTarget target = new TestTarget(cache)) {
            Path reportFile = dir.resolve("report.json");
            int status = run("--target", target.uri().toString(), "--endpoint", "recommendations", "--engine", engine,
                "--users-from", population.toString(), "--unknown-fraction", "0.2", "--rps", "300", "--users", "4",
                "--duration", "2s", "--p99-ms", "60000", "--report-out", reportFile.toString());
            assertThat(status).as(stderr()).isZero();
            LoadTestReport report = ReportJson.read(Files.readString(reportFile));
            LoadTestReport.CacheSplit split = report.cache();
            assertThat(split).isNotNull();
            assertThat(report.failures()).isZero();
            assertThat(split.hits() + split.computed() + split.unknown()).isEqualTo(report.requests());
            assertThat(split.unknown()).isZero();
            // The target also saw the in-flight requests at the end, which the report leaves out.
            assertThat(split.hits()).isPositive().isLessThanOrEqualTo(hits.get());
            assertThat(split.computed()).isPositive().isLessThanOrEqualTo(misses.get());
            assertThat(split.hitShare()).isEqualTo(
                Math.round(1000.0 * split.hits() / (split.hits() + split.computed())) / 1000.0);
            // A computed answer waited 5 ms at the target; no hit did.
            assertThat(split.computedLatencyMs().p50()).isGreaterThanOrEqualTo(5);
            assertThat(split.hitLatencyMs().p50()).isLessThan(split.computedLatencyMs().p50());
            assertThat(report.load().knownUsers()).isEqualTo("610 users of the model (ids 1-610), by training activity");
            assertThat(unknownAsked).isNotEmpty();
            assertThat(stderr()).contains("result cache: ");
        }
    }

    @Test
    void anAnswerWithoutTheHeaderLeavesTheSplitOut() throws Exception {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 0))) {
            Path reportFile = dir.resolve("report.json");
            int status = run("--target", target.uri().toString(), "--known-users", "1-610", "--rps", "50",
                "--users", "2", "--duration", "1s", "--p99-ms", "60000", "--report-out", reportFile.toString());
            assertThat(status).as(stderr()).isZero();
            LoadTestReport report = ReportJson.read(Files.readString(reportFile));
            assertThat(report.requests()).isPositive();
            assertThat(report.cache()).isNull();
            assertThat(stderr()).doesNotContain("result cache");
        }
    }
}
