package io.recommender.loadtest.generator;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which user ids the load asks about: ids the model was trained on, drawn uniformly from {@code [knownMin, knownMax]},
 * mixed with a share of ids it has never seen (cold-start users), drawn from just above that range.
 */
public record UserIdMix(long knownMin, long knownMax, double unknownFraction) {

    /** Unknown ids come from {@code (knownMax, knownMax + UNKNOWN_SPAN]}. */
    static final long UNKNOWN_SPAN = 1_000_000;
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*-\\s*(\\d+)\\s*");

    public UserIdMix {
        if (knownMin < 0 || knownMax < knownMin) {
            throw new IllegalArgumentException("known user ids need 0 <= min <= max: " + knownMin + "-" + knownMax);
        }
        if (knownMax > Long.MAX_VALUE - UNKNOWN_SPAN) {
            throw new IllegalArgumentException("known user ids too large: " + knownMax);
        }
        if (!(unknownFraction >= 0 && unknownFraction <= 1)) {
            throw new IllegalArgumentException("the unknown fraction must be within [0, 1]: " + unknownFraction);
        }
    }

    /** From a range such as "1-610". */
    public static UserIdMix parse(String knownRange, double unknownFraction) {
        Matcher matcher = RANGE.matcher(knownRange);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("known users must be a range such as 1-610: " + knownRange);
        }
        return new UserIdMix(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), unknownFraction);
    }

    public long next(SplittableRandom random) {
        if (random.nextDouble() < unknownFraction) {
            return knownMax + 1 + random.nextLong(UNKNOWN_SPAN);
        }
        return random.nextLong(knownMin, knownMax + 1);
    }

    public boolean isKnown(long userId) {
        return userId >= knownMin && userId <= knownMax;
    }

    /** "1-610". */
    public String knownRange() {
        return knownMin + "-" + knownMax;
    }
}
