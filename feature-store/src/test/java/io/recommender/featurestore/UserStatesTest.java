package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UserStatesTest {
    private static final int ACTION = 1;
    private static final int COMEDY = 1 << 4;
    private static final int DRAMA = 1 << 7;

    @Test
    void countsAndSumsInHalfStarsOverallAndPerGenre() {
        UserState s = UserStates.replay(List.of(new Event(7, 1, 8, 100, ACTION | COMEDY), new Event(7, 2, 3, 200, COMEDY)))
                .get(7);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.sumHalfStars()).isEqualTo(11);
        assertThat(s.meanRating()).isEqualTo(2.75);
        assertThat(s.genreCount(0)).isEqualTo(1);
        assertThat(s.genreSumHalfStars(0)).isEqualTo(8);
        assertThat(s.genreCount(4)).isEqualTo(2);
        assertThat(s.genreSumHalfStars(4)).isEqualTo(11);
        assertThat(s.genreCount(7)).isZero();
        assertThat(s.items()).containsExactly(new RatedItem(1, 8, 100), new RatedItem(2, 3, 200));
        assertThat(s.lastUpdate()).isEqualTo(200);
    }

    @Test
    void aReRatingReplacesTheOldValueAndDoesNotCountTwice() {
        UserState s = UserStates.replay(List.of(new Event(1, 5, 2, 100, DRAMA), new Event(1, 5, 9, 300, DRAMA))).get(1);
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.sumHalfStars()).isEqualTo(9);
        assertThat(s.genreCount(7)).isEqualTo(1);
        assertThat(s.genreSumHalfStars(7)).isEqualTo(9);
        assertThat(s.items()).containsExactly(new RatedItem(5, 9, 300));
    }

    @Test
    void anOlderEventForARatedMovieIsStaleAndChangesNothing() {
        List<Event> events = List.of(new Event(1, 5, 9, 300, DRAMA), new Event(1, 5, 2, 100, DRAMA));
        assertThat(UserStates.replay(events).get(1)).isEqualTo(UserStates.replay(events.subList(0, 1)).get(1));
    }

    @Test
    void aFullHistoryDropsTheOldestButKeepsItsRatingInTheSums() {
        List<Event> events = List.of(new Event(1, 10, 2, 100, 0), new Event(1, 11, 4, 200, 0), new Event(1, 12, 6, 50, 0),
                new Event(1, 13, 8, 300, 0));
        UserState s = UserStates.replay(events, 2).get(1);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.sumHalfStars()).isEqualTo(20);
        assertThat(s.items()).containsExactly(new RatedItem(11, 4, 200), new RatedItem(13, 8, 300));
    }

    @Test
    void equalTimesAreOrderedByTheMovieIdsTextAsRedisOrdersEqualScores() {
        UserState s = UserStates.replay(List.of(new Event(1, 9, 2, 100, 0), new Event(1, 10, 2, 100, 0),
                new Event(1, 100, 2, 100, 0))).get(1);
        assertThat(s.items()).extracting(RatedItem::movieId).containsExactly(10, 100, 9);
    }

    @Test
    void theOrderOfEventsDoesNotMatterWhileHistoriesAreNotFull() {
        Random random = new Random(42);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            int user = random.nextInt(20);
            int movie = random.nextInt(300);
            events.add(new Event(user, movie, 1 + random.nextInt(10), random.nextInt(1000), random.nextInt(1 << 19)));
        }
        // One final rating per (user, movie): the newest; duplicates with equal times would depend on order.
        Map<Integer, UserState> inOrder = UserStates.replay(dedupeByNewest(events));
        List<Event> shuffled = new ArrayList<>(dedupeByNewest(events));
        for (Event e : dedupeByNewest(events)) {
            shuffled.add(new Event(e.userId(), e.movieId(), 1 + (e.halfStars() % 10), e.time() - 1 - random.nextInt(5),
                    e.genres()));
        }
        Collections.shuffle(shuffled, random);
        assertThat(UserStates.replay(shuffled)).isEqualTo(inOrder);
    }

    private static List<Event> dedupeByNewest(List<Event> events) {
        Map<Long, Event> newest = new java.util.LinkedHashMap<>();
        for (Event e : events) {
            newest.merge(((long) e.userId() << 32) | e.movieId(), e, (a, b) -> a.time() >= b.time() ? a : b);
        }
        List<Event> out = new ArrayList<>();
        for (Event e : newest.values()) {
            out.add(new Event(e.userId(), e.movieId(), e.halfStars(), e.time() + 10, e.genres()));
        }
        return out;
    }

    @Test
    void ratingsMustBeHalfStarSteps() {
        assertThat(Event.halfStarsOf(0.5)).isEqualTo(1);
        assertThat(Event.halfStarsOf(5.0)).isEqualTo(10);
        assertThat(Event.halfStarsOf(4.25)).isEqualTo(-1);
        assertThat(Event.halfStarsOf(0)).isEqualTo(-1);
        assertThat(Event.halfStarsOf(5.5)).isEqualTo(-1);
        assertThat(Event.halfStarsOf(Double.NaN)).isEqualTo(-1);
        assertThatThrownBy(() -> new Event(1, 1, 11, 0, 0)).hasMessageContaining("5.5 is not one of 0.5");
    }

    @Test
    void genreMasksFollowTheOneGenreList() {
        assertThat(Genres.ALL).hasSize(19).startsWith("Action").endsWith("Western");
        assertThat(Genres.mask(List.of("Comedy", "Action", "(no genres listed)", "Unknown"))).isEqualTo(ACTION | COMEDY);
        assertThat(Genres.indices(ACTION | DRAMA)).containsExactly(0, 7);
    }

    @Test
    void keysOfOneUserShareAHashTagAndPrefixesCannotBreakIt() {
        KeyLayout k = new KeyLayout("app:");
        assertThat(k.userKeys(42)).containsExactly("app:{u:42}:s", "app:{u:42}:r", "app:{u:42}:h");
        assertThatThrownBy(() -> new KeyLayout("a{b}")).hasMessageContaining("hash tags");
    }
}
