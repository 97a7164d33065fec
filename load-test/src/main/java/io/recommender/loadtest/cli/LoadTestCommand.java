package io.recommender.loadtest.cli;

import io.netty.util.ResourceLeakDetector;
import io.recommender.loadtest.generator.Endpoint;
import io.recommender.loadtest.generator.Engine;
import io.recommender.loadtest.generator.LoadGenerator;
import io.recommender.loadtest.generator.LoadReports;
import io.recommender.loadtest.generator.RequestListener;
import io.recommender.loadtest.generator.UserIdMix;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.UserPopulation;
import io.recommender.loadtest.locust.Locust2Worker;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportJson;
import io.recommender.contracts.loadtest.ReportSummary;
import io.recommender.contracts.loadtest.TerminationMessage;
import io.recommender.contracts.loadtest.SloThresholds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Loads a recommender for a while, then judges the latency and errors it saw against an SLO. Exit status: 0 the SLO
 * was met, 1 it was not (or the load could not be run), 2 the command line was wrong.
 */
@Command(name = "load-test", mixinStandardHelpOptions = true, sortOptions = false,
    version = "load-test, writing report schema " + LoadTestReport.SCHEMA_VERSION,
    description = {"Loads a recommender service and judges its latency and errors against an SLO.",
        "Exit status: 0 SLO met, 1 SLO not met (or no load possible), 2 usage error."},
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {"0:SLO met", "1:SLO not met, or the load could not be run", "2:usage error"})
public final class LoadTestCommand implements Callable<Integer> {

    public static final int PASSED = 0;
    public static final int FAILED = 1;
    private static final int LOCUST_MASTER_PORT = 5557;
    /** How long a SIGTERM waits for the report beyond one request timeout (users finish their request first). */
    private static final long STOP_GRACE_MS = 5_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--target", required = true, description = "Base URL of the service, e.g. http://recommender:8080")
    private URI target;

    @Option(names = "--endpoint", defaultValue = "predict",
        description = "predict (POST /predict) or recommendations (GET /v1/recommendations/{id}?k=10)."
            + " Default: ${DEFAULT-VALUE}")
    private String endpoint;

    @Option(names = "--rps", defaultValue = "100",
        description = "Requests per second, all users together; 0 for as fast as they go. Default: ${DEFAULT-VALUE}")
    private double rps;

    @Option(names = {"--users", "--concurrency"}, defaultValue = "10",
        description = "Concurrent users, each with at most one request in flight. Default: ${DEFAULT-VALUE}")
    private int users;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
        description = "How long to load: 30s, 2m, 500ms, PT1M. Default: ${DEFAULT-VALUE}")
    private Duration duration;

    @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class,
        description = "Load this long before the measured duration, unmeasured (JIT, caches, connections)."
            + " Default: ${DEFAULT-VALUE}")
    private Duration warmup;

    @Option(names = "--wait", defaultValue = "0s", converter = DurationConverter.class,
        description = "Each user's pause after an answer before its next request (Locust's constant wait time)."
            + " Default: ${DEFAULT-VALUE}")
    private Duration pause;

    @Option(names = "--engine", defaultValue = "event-loop",
        description = "event-loop (all users on one Netty I/O thread; answers timed as they are read) or locust4j"
            + " (a thread per user running a locust4j task). Default: ${DEFAULT-VALUE}")
    private String engine;

    @Option(names = "--request-timeout", defaultValue = "5s", converter = DurationConverter.class,
        description = "A request failing to connect, or to get its answer's next bytes, this long fails."
            + " Default: ${DEFAULT-VALUE}")
    private Duration requestTimeout;

    @Option(names = "--users-from", paramLabel = "PATH",
        description = "The model's own users: its bundle directory, or the population file the gate Job's init"
            + " container writes from it (io.recommender.bundle.UserPopulation). One of this or --known-users.")
    private Path usersFrom;

    @Option(names = "--user-sampling", defaultValue = "activity",
        description = "With --users-from: activity (each user as often as its share of the training ratings, as"
            + " active users send more requests) or uniform. Default: ${DEFAULT-VALUE}")
    private String userSampling;

    @Option(names = "--known-users", paramLabel = "MIN-MAX",
        description = "Instead of --users-from: a range of user ids the model knows, drawn uniformly, e.g. 1-610")
    private String knownUsers;

    @Option(names = "--unknown-fraction", defaultValue = "0.1",
        description = "Share of requests for user ids the model does not know (cold-start users), 0..1."
            + " Default: ${DEFAULT-VALUE}")
    private double unknownFraction;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the user ids. Default: ${DEFAULT-VALUE}")
    private long seed;

    @Option(names = "--p50-ms", description = "SLO: highest median latency, ms")
    private Double p50Ms;

    @Option(names = "--p90-ms", description = "SLO: highest 90th percentile latency, ms")
    private Double p90Ms;

    @Option(names = "--p95-ms", description = "SLO: highest 95th percentile latency, ms")
    private Double p95Ms;

    @Option(names = "--p99-ms", description = "SLO: highest 99th percentile latency, ms")
    private Double p99Ms;

    @Option(names = "--max-error-rate", defaultValue = "0.01",
        description = "SLO: highest share of failed requests, 0..1. Default: ${DEFAULT-VALUE}")
    private double maxErrorRate;

    @Option(names = "--min-rps", description = "SLO: lowest achieved request rate")
    private Double minRps;

    @Option(names = "--locust-master", paramLabel = "HOST[:PORT]",
        description = "Join this Locust 2.x master (default port 5557) as a worker instead of running standalone: "
            + "the master starts and stops the load and sets the users; --duration becomes a safety limit")
    private String locustMaster;

    @Option(names = "--locust-connect-timeout", defaultValue = "60s", converter = DurationConverter.class,
        description = "How long to wait for the Locust master to answer. Default: ${DEFAULT-VALUE}")
    private Duration locustConnectTimeout;

    @Option(names = "--report-out", description = "Also write the complete report (JSON) to this file")
    private Path reportOut;

    @Option(names = "--termination-log",
        description = "Write the report, shortened to fit 4096 bytes, here, e.g. /dev/termination-log")
    private Path terminationLog;

    private final PrintStream out;
    private final PrintStream err;

    public LoadTestCommand() {
        this(System.out, System.err);
    }

    LoadTestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Netty's leak detector captures a stack trace for one buffer in 128, on the I/O thread: that request's time
        // lands in the measured tail (docs/benchmarks.md).
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        System.exit(new CommandLine(new LoadTestCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        SloThresholds slo;
        LoadGenerator.Config config;
        MasterAddress master;
        try {
            slo = new SloThresholds(p50Ms, p90Ms, p95Ms, p99Ms, maxErrorRate, minRps);
            config = new LoadGenerator.Config(target, Endpoint.fromCliName(endpoint), users, rps, duration, warmup,
                requestTimeout, userMix(), seed, pause, Engine.fromCliName(engine));
            master = locustMaster == null ? null : MasterAddress.parse(locustMaster);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        LoadTestReport report;
        // SIGTERM (a deleted or deadline-exceeded pod, a drained node) ends the load early, as its end would,
        // and the report of what was measured is still written before the JVM exits.
        AtomicBoolean stopRequested = new AtomicBoolean();
        CountDownLatch reported = new CountDownLatch(1);
        Thread onTerm = new Thread(() -> {
            stopRequested.set(true);
            try {
                reported.await(config.requestTimeout().toMillis() + STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "load-test-stop");
        Runtime.getRuntime().addShutdownHook(onTerm);
        try {
            if (master == null) {
                err.printf(Locale.ROOT, "load-test: %s %s at %s rps with %d users for %.1f s after %.1f s of warm-up"
                        + " (at most %d s in all)%n", config.endpoint().statsName(), target,
                    rps > 0 ? rps : "unlimited", users, duration.toMillis() / 1000.0, warmup.toMillis() / 1000.0,
                    config.maxRunTime().toSeconds());
                LoadGenerator.Result result = LoadGenerator.run(config, RequestListener.NONE, stopRequested::get);
                if (stopRequested.get() && result.abortReason() == null) {
                    // What was measured is reported, but a test cut short is never a pass.
                    String why = String.format(Locale.ROOT, "stopped early (SIGTERM) after %.1f s of the %.1f s asked"
                            + " for: not judged", result.elapsedSeconds(), duration.toMillis() / 1000.0);
                    err.println("load-test: " + why);
                    result = new LoadGenerator.Result(result.stats(), result.startedAt(), result.elapsedSeconds(), why);
                }
                report = LoadReports.build(config, result, slo);
            } else {
                report = underLocustMaster(master, config, slo);
            }
        } catch (RuntimeException e) {
            // Whatever went wrong, the gate gets a failed verdict saying so rather than no report at all.
            report = LoadReports.build(config, LoadGenerator.Result.aborted("load test error: " + e), slo);
        }

        try {
            String full = ReportJson.writePretty(report);
            // The termination message first: it is what the operator reads.
            if (terminationLog != null) {
                String location = reportOut == null ? "the job's log" : reportOut.toString();
                Files.writeString(terminationLog, TerminationMessage.fit(report, location), StandardCharsets.UTF_8);
            }
            if (reportOut != null) {
                Files.writeString(reportOut, full + System.lineSeparator(), StandardCharsets.UTF_8);
            }
            out.println(full);
            out.flush();
            err.println(ReportSummary.of(report));
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onTerm);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running and has just been released.
            }
        }
        return report.verdict().passed() ? PASSED : FAILED;
    }

    /** Which users to ask about: never a built-in range, which would be right for one dataset only. */
    private UserIdMix userMix() {
        if ((usersFrom == null) == (knownUsers == null)) {
            throw new IllegalArgumentException("say which users to ask about: --users-from <bundle directory or"
                + " population file> (the model's own users), or --known-users <min-max>; one of them");
        }
        if (knownUsers != null) {
            return UserIdMix.parse(knownUsers, unknownFraction);
        }
        UserIdMix.Sampling sampling = UserIdMix.Sampling.fromCliName(userSampling);
        try {
            return UserIdMix.of(UserPopulation.read(usersFrom), sampling, unknownFraction);
        } catch (IOException | BundleException e) {
            throw new IllegalArgumentException("cannot read the users from " + usersFrom + ": " + e.getMessage(), e);
        }
    }

    /** Follows a Locust master; the report covers the last load it started. */
    private LoadTestReport underLocustMaster(MasterAddress master, LoadGenerator.Config config, SloThresholds slo) {
        String host = master.host();
        int port = master.port();
        err.printf(Locale.ROOT, "load-test: joining the Locust master at %s:%d%n", host, port);
        Locust2Worker.Outcome outcome;
        try {
            outcome = new Locust2Worker(host, port, locustConnectTimeout, config).run();
        } catch (IOException e) {
            return LoadReports.build(config, LoadGenerator.Result.aborted(e.getMessage()), slo);
        }
        err.println("load-test: " + outcome.ended());
        if (outcome.result() == null) {
            return LoadReports.build(config,
                LoadGenerator.Result.aborted("the Locust master started no load (" + outcome.ended() + ")"), slo);
        }
        return LoadReports.build(outcome.config(), outcome.result(), slo);
    }

    /** A Locust master's address: HOST or HOST:PORT. */
    record MasterAddress(String host, int port) {

        static MasterAddress parse(String address) {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                return new MasterAddress(requireHost(address), LOCUST_MASTER_PORT);
            }
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException("out of range");
                }
                return new MasterAddress(requireHost(address.substring(0, colon)), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--locust-master must be HOST or HOST:PORT: " + address, e);
            }
        }

        private static String requireHost(String host) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("--locust-master needs a host");
            }
            return host;
        }
    }
}
