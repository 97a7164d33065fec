package io.recommender.loadtest.generator;

import io.recommender.bundle.UserPopulation;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which user ids the load asks about: users the model was trained on, mixed with a share of ids it has never seen
 * (cold-start users), drawn from just above the highest known id. Known users come either from the model's own
 * population ({@link UserPopulation}: its users, drawn uniformly or in proportion to their training ratings, the
 * way active users send more requests) or, for a quick run against any service, from an id range.
 */
public final class UserIdMix {

    /** How known users are drawn. */
    public enum Sampling {
        /** Every known user equally often. */
        UNIFORM,
        /** In proportion to the user's training ratings: the heavy users of the data are the heavy users of the load. */
        ACTIVITY;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Sampling fromCliName(String name) {
            for (Sampling s : values()) {
                if (s.cliName().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown user sampling " + name + ": uniform or activity");
        }
    }

    /** Unknown ids come from {@code (knownMax, knownMax + UNKNOWN_SPAN]}. */
    static final long UNKNOWN_SPAN = 1_000_000;
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*-\\s*(\\d+)\\s*");

    private final long knownMin;
    private final long knownMax;
    private final double unknownFraction;
    /** The population's ids, ascending; null for a range. */
    private final int[] ids;
    /** Running totals of the population's weights (activity sampling); null to draw uniformly. */
    private final long[] cumulative;
    private final String description;

    /** Known users: the range {@code [knownMin, knownMax]}, drawn uniformly. */
    public UserIdMix(long knownMin, long knownMax, double unknownFraction) {
        this(knownMin, knownMax, unknownFraction, null, null, knownMin + "-" + knownMax);
    }

    private UserIdMix(long knownMin, long knownMax, double unknownFraction, int[] ids, long[] cumulative,
                      String description) {
        if (knownMin < 0 || knownMax < knownMin) {
            throw new IllegalArgumentException("known user ids need 0 <= min <= max: " + knownMin + "-" + knownMax);
        }
        if (knownMax > Long.MAX_VALUE - UNKNOWN_SPAN) {
            throw new IllegalArgumentException("known user ids too large: " + knownMax);
        }
        if (!(unknownFraction >= 0 && unknownFraction <= 1)) {
            throw new IllegalArgumentException("the unknown fraction must be within [0, 1]: " + unknownFraction);
        }
        this.knownMin = knownMin;
        this.knownMax = knownMax;
        this.unknownFraction = unknownFraction;
        this.ids = ids;
        this.cumulative = cumulative;
        this.description = description;
    }

    /** From a range such as "1-610". */
    public static UserIdMix parse(String knownRange, double unknownFraction) {
        Matcher matcher = RANGE.matcher(knownRange);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("known users must be a range such as 1-610: " + knownRange);
        }
        return new UserIdMix(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), unknownFraction);
    }

    /** The model's own users, drawn as {@code sampling} says. */
    public static UserIdMix of(UserPopulation population, Sampling sampling, double unknownFraction) {
        int[] ids = population.userIds();
        long[] cumulative = null;
        if (sampling == Sampling.ACTIVITY) {
            int[] ratings = population.trainingRatings();
            cumulative = new long[ids.length];
            long total = 0;
            for (int i = 0; i < ids.length; i++) {
                // At least 1: a user the model knows is asked about, however little it rated.
                total += Math.max(1, ratings[i]);
                cumulative[i] = total;
            }
        }
        String description = String.format(Locale.ROOT, "%d users of the model (ids %d-%d), %s", ids.length, ids[0],
            ids[ids.length - 1], sampling == Sampling.ACTIVITY ? "by training activity" : "uniformly");
        return new UserIdMix(ids[0], ids[ids.length - 1], unknownFraction, ids, cumulative, description);
    }

    public long next(SplittableRandom random) {
        if (random.nextDouble() < unknownFraction) {
            return knownMax + 1 + random.nextLong(UNKNOWN_SPAN);
        }
        if (ids == null) {
            return random.nextLong(knownMin, knownMax + 1);
        }
        if (cumulative == null) {
            return ids[random.nextInt(ids.length)];
        }
        long draw = random.nextLong(cumulative[cumulative.length - 1]);
        // The first user whose running total exceeds the draw.
        int at = Arrays.binarySearch(cumulative, draw + 1);
        return ids[at >= 0 ? at : -at - 1];
    }

    public boolean isKnown(long userId) {
        if (ids == null) {
            return userId >= knownMin && userId <= knownMax;
        }
        return userId <= Integer.MAX_VALUE && userId >= Integer.MIN_VALUE && Arrays.binarySearch(ids, (int) userId) >= 0;
    }

    /** The lowest known id (a user the probe before the load may ask about). */
    public long knownMin() {
        return knownMin;
    }

    public long knownMax() {
        return knownMax;
    }

    public double unknownFraction() {
        return unknownFraction;
    }

    /** For the report: "1-610", or "610 users of the model (ids 1-610), by training activity". */
    public String describe() {
        return description;
    }
}
