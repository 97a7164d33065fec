package io.recommender.training.data;

/**
 * Ratings in columnar form with dense indices: {@code user[i]} indexes {@link #userIds}, {@code item[i]}
 * indexes {@link #movies}. Ratings are stored as half-stars in a byte (MovieLens uses 0.5 steps), which
 * keeps 25 million ratings at 9 bytes each.
 */
public final class Ratings {
    private final int[] userIds;
    private final Movie[] movies;
    private final int[] user;
    private final int[] item;
    private final byte[] halfStars;
    private final long[] times;

    public Ratings(int[] userIds, Movie[] movies, int[] user, int[] item, byte[] halfStars) {
        this(userIds, movies, user, item, halfStars, new long[user.length]);
    }

    /** @param times each rating's time in epoch seconds (0 when the data has none) */
    public Ratings(int[] userIds, Movie[] movies, int[] user, int[] item, byte[] halfStars, long[] times) {
        if (times.length != user.length) {
            throw new IllegalArgumentException(times.length + " times for " + user.length + " ratings");
        }
        this.userIds = userIds;
        this.movies = movies;
        this.user = user;
        this.item = item;
        this.halfStars = halfStars;
        this.times = times;
    }

    public int size() {
        return user.length;
    }

    public int userCount() {
        return userIds.length;
    }

    public int itemCount() {
        return movies.length;
    }

    /** Original MovieLens user id of dense user index {@code u}, ascending in {@code u}. */
    public int userId(int u) {
        return userIds[u];
    }

    public int[] userIds() {
        return userIds;
    }

    public Movie movie(int i) {
        return movies[i];
    }

    public Movie[] movies() {
        return movies;
    }

    public int user(int r) {
        return user[r];
    }

    public int item(int r) {
        return item[r];
    }

    public float rating(int r) {
        return halfStars[r] / 2f;
    }

    public int halfStars(int r) {
        return halfStars[r];
    }

    /** The rating's time, epoch seconds; 0 when the data has no timestamps. */
    public long time(int r) {
        return times[r];
    }
}
