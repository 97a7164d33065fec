package io.recommender.featurestore;

import java.util.Arrays;
import java.util.List;

/**
 * A user's raw, model-independent state, the one definition the feature store holds and training replays:
 * how many movies the user has rated and the sum of those ratings (overall and per genre of {@link Genres}),
 * the rated movies with rating and time (the newest {@code maxHistory}, oldest first in
 * {@link RatedItem#OLDEST_FIRST} order), and the time of the newest rating applied. Ratings are counted in
 * half-stars, so every sum is an exact integer and two states built from the same ratings are equal bit for
 * bit. A re-rated movie counts once, with its latest rating.
 *
 * @param count movies rated
 * @param sumHalfStars sum of their ratings in half-stars
 * @param genreCounts per genre index: rated movies with that genre
 * @param genreSumHalfStars per genre index: sum of their ratings in half-stars
 * @param items the rated movies kept, oldest first
 * @param lastUpdate newest rating time applied (epoch seconds), 0 for a user with no ratings
 */
public record UserState(int userId, int count, long sumHalfStars, int[] genreCounts, long[] genreSumHalfStars,
        List<RatedItem> items, long lastUpdate) {

    public UserState {
        if (genreCounts.length != Genres.COUNT || genreSumHalfStars.length != Genres.COUNT) {
            throw new IllegalArgumentException("per-genre arrays must have " + Genres.COUNT + " entries");
        }
        genreCounts = genreCounts.clone();
        genreSumHalfStars = genreSumHalfStars.clone();
        items = List.copyOf(items);
    }

    public static UserState empty(int userId) {
        return new UserState(userId, 0, 0, new int[Genres.COUNT], new long[Genres.COUNT], List.of(), 0);
    }

    public boolean isEmpty() {
        return count == 0 && items.isEmpty() && lastUpdate == 0;
    }

    /** Mean rating in stars, NaN without ratings. */
    public double meanRating() {
        return count == 0 ? Double.NaN : sumHalfStars / 2.0 / count;
    }

    @Override
    public int[] genreCounts() {
        return genreCounts.clone();
    }

    @Override
    public long[] genreSumHalfStars() {
        return genreSumHalfStars.clone();
    }

    public int genreCount(int genre) {
        return genreCounts[genre];
    }

    public long genreSumHalfStars(int genre) {
        return genreSumHalfStars[genre];
    }

    /**
     * A 64-bit digest of the whole state: it changes whenever an event changes the state (a stored event always
     * moves a rating, a time or a count), so a result computed from one state is reused only while the digest is
     * the same. Equal states have equal fingerprints.
     */
    public long fingerprint() {
        long h = mix(userId) ^ mix(count + 0x9E3779B97F4A7C15L) ^ mix(sumHalfStars * 31 + lastUpdate);
        for (int g = 0; g < genreCounts.length; g++) {
            h = mix(h + genreCounts[g] * 1_000_003L + genreSumHalfStars[g]);
        }
        for (RatedItem item : items) {
            h = mix(h ^ ((long) item.movieId() << 4 | item.halfStars()) ^ mix(item.time()));
        }
        return h;
    }

    /** SplitMix64's finaliser: every input bit moves about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserState s && userId == s.userId && count == s.count && sumHalfStars == s.sumHalfStars
                && lastUpdate == s.lastUpdate && Arrays.equals(genreCounts, s.genreCounts)
                && Arrays.equals(genreSumHalfStars, s.genreSumHalfStars) && items.equals(s.items);
    }

    @Override
    public int hashCode() {
        return ((userId * 31 + count) * 31 + Long.hashCode(sumHalfStars)) * 31 + Arrays.hashCode(genreCounts) * 7
                + items.hashCode();
    }

    @Override
    public String toString() {
        return "UserState[userId=" + userId + ", count=" + count + ", sumHalfStars=" + sumHalfStars
                + ", genreCounts=" + Arrays.toString(genreCounts) + ", genreSumHalfStars="
                + Arrays.toString(genreSumHalfStars) + ", items=" + items.size() + ", lastUpdate=" + lastUpdate + "]";
    }
}
