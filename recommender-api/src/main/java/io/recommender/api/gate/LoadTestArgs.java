package io.recommender.api.gate;

import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.api.v1alpha1.TrafficSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Recommender's SLO as the load-test program's command line. The one translation of the two: the gate Job
 * in a cluster and the local pipeline run the same load test against the same figures.
 */
public final class LoadTestArgs {
    static final int DEFAULT_RPS = 50;
    static final int DEFAULT_USERS = 8;
    static final double DEFAULT_MAX_ERROR_RATE = 0.01;
    static final String DEFAULT_DURATION = "30s";
    static final String DEFAULT_WARMUP = "5s";
    static final double DEFAULT_UNKNOWN_USERS = 0.1;
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)([hms])");

    private LoadTestArgs() {}

    /**
     * Arguments loading {@code target} (a base URL) as the SLO says and judging the run against it.
     *
     * @param usersFrom the candidate model's users, as the load test reads them: its bundle directory, or the
     *                  population file written from it (model-bundle's {@code UserPopulation})
     */
    public static List<String> of(SloSpec slo, String target, String usersFrom) {
        TrafficSpec traffic = slo.traffic();
        String users = traffic == null || traffic.users() == null ? TrafficSpec.ACTIVITY : traffic.users();
        double unknown = traffic == null || traffic.unknownUsers() == null
                ? DEFAULT_UNKNOWN_USERS : traffic.unknownUsers();
        // GET /v1/recommendations/{id}: what clients call, read-only, and answered with the service's
        // X-Recommender-Cache header, which the report splits hits from computed answers by.
        List<String> args = new ArrayList<>(List.of("--target", target, "--endpoint", "recommendations",
                "--users-from", usersFrom,
                "--user-sampling", users.toLowerCase(Locale.ROOT),
                "--unknown-fraction", Double.toString(unknown),
                "--rps", Integer.toString(slo.requestsPerSecond() == null ? DEFAULT_RPS : slo.requestsPerSecond()),
                "--users", Integer.toString(slo.concurrency() == null ? DEFAULT_USERS : slo.concurrency()),
                "--duration", durationSeconds(slo) + "s",
                "--warmup", warmupSeconds(slo) + "s",
                "--max-error-rate", Double.toString(slo.maxErrorRate() == null
                        ? DEFAULT_MAX_ERROR_RATE : slo.maxErrorRate())));
        for (SloSpec.LatencyTarget t : slo.latency()) {
            args.add(String.format(Locale.ROOT, "--p%d-ms", t.percentile().intValue()));
            args.add(Double.toString(t.maxMs()));
        }
        return args;
    }

    /** The load test's measured duration in seconds. */
    public static long durationSeconds(SloSpec slo) {
        return seconds(slo.duration() == null ? DEFAULT_DURATION : slo.duration());
    }

    /** The unjudged load before the measured duration, in seconds. */
    public static long warmupSeconds(SloSpec slo) {
        return seconds(slo.warmup() == null ? DEFAULT_WARMUP : slo.warmup());
    }

    /** "0s", "30s", "2m", "1m30s", "1h" -> seconds (the CRD's rules guarantee the shape and bounds). */
    public static long seconds(String duration) {
        Matcher m = DURATION_PART.matcher(duration);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1)) * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
        }
        return total;
    }
}
