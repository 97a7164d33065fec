package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {
    /** 3 users: 20 ratings, 10 ratings, 3 ratings (too few to hold out). */
    static Ratings ratings() {
        int n = 33;
        int[] user = new int[n];
        int[] item = new int[n];
        byte[] half = new byte[n];
        for (int r = 0; r < n; r++) {
            user[r] = r < 20 ? 0 : r < 30 ? 1 : 2;
            item[r] = r % 20;
            half[r] = (byte) (1 + r % 10);
        }
        Movie[] movies = IntStream.range(0, 20).mapToObj(i -> new Movie(i + 1, "m" + i, java.util.List.of(), 0))
                .toArray(Movie[]::new);
        return new Ratings(new int[] {5, 6, 7}, movies, user, item, half);
    }

    @Test
    void partitionsEveryRatingOnceWithPerUserFractions() {
        Ratings r = ratings();
        Split s = Split.of(r, 0.2, 0.1, 1);

        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            for (int x : part) {
                assertThat(all.add(x)).isTrue();
            }
        }
        assertThat(all).hasSize(33);
        assertThat(countOf(r, s.test(), 0)).isEqualTo(4);
        assertThat(countOf(r, s.validation(), 0)).isEqualTo(2);
        assertThat(countOf(r, s.test(), 1)).isEqualTo(2);
        assertThat(countOf(r, s.validation(), 1)).isEqualTo(1);
        assertThat(countOf(r, s.train(), 2)).isEqualTo(3);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        Ratings r = ratings();
        assertThat(Split.of(r, 0.2, 0.1, 1).test()).containsExactly(Split.of(r, 0.2, 0.1, 1).test());
        assertThat(Arrays.equals(Split.of(r, 0.2, 0.1, 1).test(), Split.of(r, 0.2, 0.1, 2).test())).isFalse();
    }

    @Test
    void rejectsImpossibleFractions() {
        assertThatThrownBy(() -> Split.of(ratings(), 0.6, 0.5, 1)).hasMessageContaining("sum to less than 1");
        assertThatThrownBy(() -> Split.of(ratings(), 0, 0.1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long countOf(Ratings r, int[] rows, int user) {
        return Arrays.stream(rows).filter(x -> r.user(x) == user).count();
    }
}
