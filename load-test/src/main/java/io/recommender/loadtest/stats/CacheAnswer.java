package io.recommender.loadtest.stats;

import java.util.Locale;

/**
 * Where an answer came from, as the recommender's {@code X-Recommender-Cache} response header says: its result
 * cache ({@code hit}) or computed for this request ({@code miss}). An answer without the header (an image older
 * than the header, another service, a failed request) is {@link #UNKNOWN}.
 */
public enum CacheAnswer {
    HIT, COMPUTED, UNKNOWN;

    /** The response header that says it. */
    public static final String HEADER = "X-Recommender-Cache";

    /** From the header's value, or null when the answer had none. */
    public static CacheAnswer fromHeader(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "hit" -> HIT;
            case "miss" -> COMPUTED;
            default -> UNKNOWN;
        };
    }
}
