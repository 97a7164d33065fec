package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user feature transformation's row layout and rules, and the state fingerprint the service's cache keys on. */
class UserFeaturesTest {
    private static final int DRAMA = Genres.ALL.indexOf("Drama");
    // movie id -> item index; movie 99 is unknown to the model.
    private static final Map<Integer, Integer> INDEX = Map.of(10, 4, 20, 2, 30, 7, 40, 1);

    private static UserState state(Event... events) {
        return UserStates.replay(List.of(events)).get(events[0].userId());
    }

    @Test
    void rowsHoldTheIndexTheStandardisedSideFeaturesAndTheHighestRatedKnownMovies() {
        UserState a = state(new Event(1, 10, 8, 100, 1 << DRAMA), new Event(1, 20, 10, 101, 0),
                new Event(1, 30, 8, 102, 0), new Event(1, 99, 10, 103, 0));
        UserState b = state(new Event(2, 40, 2, 100, 0));
        UserFeatures.Parameters p = UserFeatures.fit(List.of(a, b), 3.0, 3, 2, 5000);
        UserFeatures f = new UserFeatures(p);
        assertThat(f.width()).isEqualTo(1 + 21 + 6);

        float[] row = f.row(a, 0, m -> INDEX.getOrDefault(m, -1));
        assertThat(row[0]).isZero();
        // Two users: every standardised non-constant column is +1 or -1; a's count and mean are the higher ones.
        assertThat(row[1]).isEqualTo(1f);
        assertThat(row[2]).isEqualTo(1f);
        // Action: neither rated one, the genre mean is each user's mean, a's higher: +1.
        assertThat(row[3]).isEqualTo(1f);
        // History: 5 stars (movie 20 -> 2; movie 99 unknown, left out), then 4 stars by index (30 -> 7, 10 -> 4).
        int side = UserFeatures.SIDE_WIDTH;
        assertThat(new float[] {row[side], row[side + 1], row[side + 2]}).containsExactly(2f, 4f, 7f);
        assertThat(new float[] {row[side + 3], row[side + 4], row[side + 5]}).containsExactly(1f, 0.8f, 0.8f);

        float[] other = f.row(b, -1, m -> INDEX.getOrDefault(m, -1));
        assertThat(other[0]).as("never-seen user: the out-of-vocabulary index").isEqualTo(2f);
        assertThat(other[1]).isEqualTo(-1f);
        assertThat(new float[] {other[side], other[side + 1], other[side + 3], other[side + 4]})
                .containsExactly(1f, 0f, 0.2f, 0f);
    }

    @Test
    void aConstantColumnIsZero() {
        UserState a = state(new Event(1, 10, 8, 100, 0));
        UserState b = state(new Event(2, 20, 8, 100, 0));
        UserFeatures f = new UserFeatures(UserFeatures.fit(List.of(a, b), 4.0, 0, 2, 5000));
        float[] row = f.row(a, 0, m -> INDEX.getOrDefault(m, -1));
        for (int c = 1; c < row.length; c++) {
            assertThat(row[c]).as("column %d", c).isZero();
        }
    }

    @Test
    void theFingerprintChangesWithEveryStoredEventAndIsEqualForEqualStates() {
        UserState s = state(new Event(1, 10, 8, 100, 1), new Event(1, 20, 6, 101, 0));
        UserState same = state(new Event(1, 20, 6, 101, 0), new Event(1, 10, 8, 100, 1));
        assertThat(same).isEqualTo(s);
        assertThat(same.fingerprint()).isEqualTo(s.fingerprint());
        assertThat(UserStates.apply(s, new Event(1, 10, 10, 102, 1), 5000).fingerprint()).isNotEqualTo(s.fingerprint());
        assertThat(UserStates.apply(s, new Event(1, 10, 8, 102, 1), 5000).fingerprint())
                .as("same rating, later time").isNotEqualTo(s.fingerprint());
        assertThat(UserStates.apply(s, new Event(1, 30, 8, 99, 0), 5000).fingerprint()).isNotEqualTo(s.fingerprint());
        assertThat(state(new Event(2, 10, 8, 100, 1), new Event(2, 20, 6, 101, 0)).fingerprint())
                .as("another user with the same ratings").isNotEqualTo(s.fingerprint());
    }
}
