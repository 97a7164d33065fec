package io.recommender.training.data;

import io.recommender.featurestore.Event;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dataset's ratings with the live events (ratings users gave the running service, read from the feature
 * store's events stream) merged in, as the feature store replays them: per user and movie the latest rating
 * counts (an event older than the dataset's rating of the same movie is ignored), users the dataset did not have
 * are added, events about movies the dataset does not have are skipped. Merging the same events again gives the
 * same ratings, so a run that reads a stream an earlier run read counts nothing twice.
 */
public final class LiveEvents {
    private LiveEvents() {}

    /** What a merge did. */
    public record Merge(Ratings ratings, int added, int replaced, int older, int unknownMovies, int newUsers) {
        public String summary() {
            return added + " ratings added, " + replaced + " replaced by a later one, " + older
                    + " ignored as older than the data's, " + unknownMovies + " about movies the data does not have"
                    + (newUsers == 0 ? "" : "; " + newUsers + " users new to the data");
        }
    }

    public static Merge merge(Ratings base, List<Event> events) {
        Map<Integer, Integer> itemOf = new HashMap<>(base.itemCount() * 2);
        for (int i = 0; i < base.itemCount(); i++) {
            itemOf.put(base.movie(i).movieId(), i);
        }
        // The latest event per (user, movie); ties go to the later one in the stream.
        Map<Long, Event> latest = new HashMap<>();
        int unknownMovies = 0;
        for (Event e : events) {
            if (!itemOf.containsKey(e.movieId())) {
                unknownMovies++;
                continue;
            }
            latest.merge(key(e.userId(), e.movieId()), e, (a, b) -> b.time() >= a.time() ? b : a);
        }
        // Dataset rows an event replaces are dropped; events older than the dataset's rating are dropped.
        boolean[] drop = new boolean[base.size()];
        int replaced = 0;
        int older = 0;
        for (int r = 0; r < base.size(); r++) {
            long k = key(base.userId(base.user(r)), base.movie(base.item(r)).movieId());
            Event e = latest.get(k);
            if (e == null) {
                continue;
            }
            if (e.time() >= base.time(r)) {
                drop[r] = true;
                replaced++;
            } else {
                latest.remove(k);
                older++;
            }
        }
        int[] ids = Arrays.copyOf(base.userIds(), base.userCount() + latest.size());
        int n = base.userCount();
        for (Event e : latest.values()) {
            ids[n++] = e.userId();
        }
        int[] userIds = Arrays.stream(ids, 0, n).distinct().sorted().toArray();
        int newUsers = userIds.length - base.userCount();
        int size = base.size() - replaced + latest.size();
        int[] user = new int[size];
        int[] item = new int[size];
        byte[] halfStars = new byte[size];
        long[] times = new long[size];
        int at = 0;
        for (int r = 0; r < base.size(); r++) {
            if (!drop[r]) {
                user[at] = Arrays.binarySearch(userIds, base.userId(base.user(r)));
                item[at] = base.item(r);
                halfStars[at] = (byte) base.halfStars(r);
                times[at++] = base.time(r);
            }
        }
        // Appended in stream order per key is not kept by a hash map: sort the events so a merge is reproducible.
        List<Event> added = latest.values().stream()
                .sorted((a, b) -> a.userId() != b.userId() ? Integer.compare(a.userId(), b.userId())
                        : Integer.compare(a.movieId(), b.movieId()))
                .toList();
        for (Event e : added) {
            user[at] = Arrays.binarySearch(userIds, e.userId());
            item[at] = itemOf.get(e.movieId());
            halfStars[at] = (byte) e.halfStars();
            times[at++] = e.time();
        }
        Ratings merged = new Ratings(userIds, base.movies(), user, item, halfStars, times);
        return new Merge(merged, added.size() - replaced, replaced, older, unknownMovies, newUsers);
    }

    private static long key(int userId, int movieId) {
        return ((long) userId << 32) | (movieId & 0xffffffffL);
    }
}
