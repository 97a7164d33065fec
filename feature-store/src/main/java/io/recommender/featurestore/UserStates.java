package io.recommender.featurestore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The offline side: builds users' states from ratings in memory with exactly the rules the feature store's
 * Lua script applies to each live event ({@code apply.lua}), so that replaying a user's ratings gives the
 * state Redis holds, bit for bit.
 *
 * <p>The rules, per event {@code (user, movie, halfStars, time, genres)}:
 * <ul>
 *   <li>movie already in the user's history with a newer time: a late, stale event; nothing changes;</li>
 *   <li>movie already in the history otherwise (a re-rating): its rating and time are replaced; the sums
 *       (overall and of each of the movie's genres) change by the difference; counts do not change;</li>
 *   <li>a movie not in the history: counts +1 and sums + rating, overall and for each of its genres; the movie
 *       joins the history, and if the history then holds more than {@code maxHistory} movies the oldest
 *       ({@link RatedItem#OLDEST_FIRST}) leaves it (its rating stays in the counts and sums);</li>
 *   <li>the last update time becomes the event's time when that is newer.</li>
 * </ul>
 * While a user has at most {@code maxHistory} rated movies the result does not depend on the order of the
 * events (a re-rating wins by its newer time). A movie that has left a full history and is rated again
 * counts as a new one.
 */
public final class UserStates {
    /** Most rated movies kept per user unless configured otherwise; more than any ml-latest-small user has. */
    public static final int DEFAULT_MAX_HISTORY = 5000;

    private UserStates() {}

    /** Every user's state after {@code events} in list order, with {@link #DEFAULT_MAX_HISTORY}. */
    public static Map<Integer, UserState> replay(List<Event> events) {
        return replay(events, DEFAULT_MAX_HISTORY);
    }

    /** Every user's state after {@code events} in list order, by user id. */
    public static Map<Integer, UserState> replay(List<Event> events, int maxHistory) {
        Map<Integer, Builder> users = new HashMap<>();
        for (Event e : events) {
            users.computeIfAbsent(e.userId(), Builder::new).apply(e, maxHistory);
        }
        Map<Integer, UserState> out = new TreeMap<>();
        users.forEach((id, b) -> out.put(id, b.build()));
        return out;
    }

    /** {@code state} after one more event (of the same user). */
    public static UserState apply(UserState state, Event event, int maxHistory) {
        if (event.userId() != state.userId()) {
            throw new IllegalArgumentException("event of user " + event.userId() + " applied to user " + state.userId());
        }
        Builder b = new Builder(state);
        b.apply(event, maxHistory);
        return b.build();
    }

    /** A user's state being built: mutable, for replaying many events. */
    public static final class Builder {
        private final int userId;
        private int count;
        private long sum;
        private final int[] genreCounts = new int[Genres.COUNT];
        private final long[] genreSums = new long[Genres.COUNT];
        private final Map<Integer, RatedItem> byMovie = new HashMap<>();
        private final TreeSet<RatedItem> history = new TreeSet<>(RatedItem.OLDEST_FIRST);
        private long lastUpdate;

        public Builder(int userId) {
            this.userId = userId;
        }

        public Builder(UserState state) {
            this(state.userId());
            count = state.count();
            sum = state.sumHalfStars();
            System.arraycopy(state.genreCounts(), 0, genreCounts, 0, Genres.COUNT);
            System.arraycopy(state.genreSumHalfStars(), 0, genreSums, 0, Genres.COUNT);
            for (RatedItem item : state.items()) {
                byMovie.put(item.movieId(), item);
                history.add(item);
            }
            lastUpdate = state.lastUpdate();
        }

        /** Applies one event; false when it was stale and changed nothing. */
        public boolean apply(Event e, int maxHistory) {
            if (maxHistory < 1) {
                throw new IllegalArgumentException("maxHistory must be at least 1");
            }
            RatedItem old = byMovie.get(e.movieId());
            int[] genres = Genres.indices(e.genres());
            if (old != null) {
                if (e.time() < old.time()) {
                    return false;
                }
                long delta = e.halfStars() - old.halfStars();
                sum += delta;
                for (int g : genres) {
                    genreSums[g] += delta;
                }
                history.remove(old);
            } else {
                count++;
                sum += e.halfStars();
                for (int g : genres) {
                    genreCounts[g]++;
                    genreSums[g] += e.halfStars();
                }
            }
            RatedItem item = new RatedItem(e.movieId(), e.halfStars(), e.time());
            byMovie.put(e.movieId(), item);
            history.add(item);
            if (old == null && history.size() > maxHistory) {
                RatedItem oldest = history.pollFirst();
                byMovie.remove(oldest.movieId());
            }
            lastUpdate = Math.max(lastUpdate, e.time());
            return true;
        }

        public UserState build() {
            return new UserState(userId, count, sum, genreCounts, genreSums, new ArrayList<>(history), lastUpdate);
        }
    }
}
