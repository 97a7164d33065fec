package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.recommender.featurestore.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live events merged into the dataset's ratings as the feature store replays them. */
class LiveEventsTest {
    static final Movie[] MOVIES = {new Movie(10, "A", List.of("Drama"), 1990), new Movie(20, "B", List.of("Comedy"), 2000),
        new Movie(30, "C", List.of("Drama"), 2010)};

    /** Users 1 and 5: user 1 rated movies 10 (4.0 at t=100) and 20 (3.0 at t=200); user 5 rated 30 (5.0 at t=50). */
    static Ratings base() {
        return new Ratings(new int[] {1, 5}, MOVIES, new int[] {0, 0, 1}, new int[] {0, 1, 2},
                new byte[] {8, 6, 10}, new long[] {100, 200, 50});
    }

    static String rows(Ratings r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
            b.append(r.userId(r.user(i))).append(':').append(r.movie(r.item(i)).movieId()).append('=')
                    .append(r.halfStars(i)).append('@').append(r.time(i)).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void laterRatingsReplaceEarlierOnesNewOnesAndNewUsersAreAdded() {
        LiveEvents.Merge m = LiveEvents.merge(base(), List.of(
                new Event(1, 10, 2, 300, 0),   // replaces user 1's 4.0 of movie 10
                new Event(1, 20, 9, 150, 0),   // older than the data's rating of movie 20: ignored
                new Event(3, 30, 7, 400, 0),   // a user the data does not have
                new Event(3, 30, 8, 500, 0),   // ... who re-rates: the later one counts
                new Event(5, 99, 4, 400, 0))); // a movie the data does not have
        assertThat(rows(m.ratings())).isEqualTo("1:20=6@200 5:30=10@50 1:10=2@300 3:30=8@500");
        assertThat(m.ratings().userIds()).containsExactly(1, 3, 5);
        assertThat(m.ratings().movies()).isSameAs(MOVIES);
        assertThat(m.replaced()).isEqualTo(1);
        assertThat(m.added()).isEqualTo(1);
        assertThat(m.older()).isEqualTo(1);
        assertThat(m.unknownMovies()).isEqualTo(1);
        assertThat(m.newUsers()).isEqualTo(1);
        assertThat(m.summary()).isEqualTo("1 ratings added, 1 replaced by a later one, 1 ignored as older than the "
                + "data's, 1 about movies the data does not have; 1 users new to the data");
    }

    @Test
    void mergingTheSameEventsAgainCountsNothingTwice() {
        List<Event> events = List.of(new Event(1, 10, 2, 300, 0), new Event(3, 30, 7, 400, 0));
        Ratings once = LiveEvents.merge(base(), events).ratings();
        Ratings twice = LiveEvents.merge(once, events).ratings();
        assertThat(rows(twice)).isEqualTo(rows(once));
        assertThat(twice.size()).isEqualTo(once.size());
        assertThat(twice.userIds()).containsExactly(once.userIds());
    }

    @Test
    void noEventsLeavesTheRatingsAsTheyWere() {
        LiveEvents.Merge m = LiveEvents.merge(base(), List.of());
        assertThat(rows(m.ratings())).isEqualTo(rows(base()));
        assertThat(m.summary()).startsWith("0 ratings added, 0 replaced");
    }
}
