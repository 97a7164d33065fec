package io.recommender.featurestore;

import java.util.Comparator;

/** A movie in a user's history: its rating in half-stars and the rating's time (epoch seconds). */
public record RatedItem(int movieId, int halfStars, long time) {
    /**
     * History order, oldest first: by time, then by the movie id's decimal text (Redis orders equal sorted-set
     * scores by member bytes); the first is what a full history drops.
     */
    public static final Comparator<RatedItem> OLDEST_FIRST = Comparator.comparingLong(RatedItem::time)
            .thenComparing((a, b) -> compareDecimalText(a.movieId(), b.movieId()));

    /**
     * {@code Integer.toString(a).compareTo(Integer.toString(b))}'s sign without making the strings (a read sorts
     * every user's history on every request).
     */
    static int compareDecimalText(int a, int b) {
        if (a < 0 || b < 0) {
            return Integer.signum(Integer.toString(a).compareTo(Integer.toString(b)));
        }
        int da = digits(a);
        int db = digits(b);
        long x = a;
        long y = b;
        for (int i = da; i < db; i++) {
            x *= 10;
        }
        for (int i = db; i < da; i++) {
            y *= 10;
        }
        // Equal after padding: one is a prefix of the other, and the shorter text comes first.
        return x != y ? Long.compare(x, y) : Integer.compare(da, db);
    }

    private static int digits(int v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }
}
