package io.recommender.contracts.loadtest;

import java.util.Objects;

/**
 * Whether the SLO was met, and why, in words that name each figure and its threshold.
 */
public record Verdict(boolean passed, String reason) {

    public Verdict {
        Objects.requireNonNull(reason, "reason");
    }

    public static Verdict pass(String reason) {
        return new Verdict(true, reason);
    }

    public static Verdict fail(String reason) {
        return new Verdict(false, reason);
    }
}
