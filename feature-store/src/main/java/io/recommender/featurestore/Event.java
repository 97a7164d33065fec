package io.recommender.featurestore;

/**
 * One rating: user {@code userId} rated {@code movieId} with {@code halfStars} / 2 stars (1..10, i.e. 0.5..5)
 * at {@code time} (epoch seconds), the movie having the genres of {@link Genres} bit mask {@code genres}.
 * Ratings are kept in half-stars so that sums are exact integers and replay is bit for bit.
 */
public record Event(int userId, int movieId, int halfStars, long time, int genres) {
    public static final int MIN_HALF_STARS = 1;
    public static final int MAX_HALF_STARS = 10;
    /** Times are kept exactly in a Redis sorted-set score (a double): at most 2^53. */
    public static final long MAX_TIME = 1L << 53;

    public Event {
        if (userId < 0) {
            throw new IllegalArgumentException("user id " + userId + " is negative");
        }
        if (halfStars < MIN_HALF_STARS || halfStars > MAX_HALF_STARS) {
            throw new IllegalArgumentException("rating " + halfStars / 2.0 + " is not one of 0.5, 1.0, ... 5.0");
        }
        if (time < 0 || time > MAX_TIME) {
            throw new IllegalArgumentException("time " + time + " is out of range 0.." + MAX_TIME);
        }
    }

    /** Half-stars of a rating in stars, or -1 when it is not one of 0.5, 1.0, ... 5.0. */
    public static int halfStarsOf(double rating) {
        double twice = rating * 2;
        if (!(rating >= 0.5 && rating <= 5.0) || Math.rint(twice) != twice) {
            return -1;
        }
        return (int) twice;
    }
}
