package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatedItemTest {
    @Test
    void equalTimesAreOrderedByTheMovieIdsDecimalText() {
        int[][] pairs = {{1, 10}, {10, 1}, {12, 123}, {123, 12}, {2, 10}, {9, 10}, {0, 0}, {0, 5}, {100, 99},
                {Integer.MAX_VALUE, 2}, {214748364, Integer.MAX_VALUE}, {-1, 1}, {-12, -2}, {7, 7}};
        for (int[] p : pairs) {
            assertThat(RatedItem.compareDecimalText(p[0], p[1])).as(p[0] + " vs " + p[1])
                    .isEqualTo(Integer.signum(Integer.toString(p[0]).compareTo(Integer.toString(p[1]))));
        }
        Random r = new Random(4);
        for (int i = 0; i < 100_000; i++) {
            int a = r.nextInt(i % 2 == 0 ? 300_000 : Integer.MAX_VALUE);
            int b = i % 3 == 0 ? a * 10 + r.nextInt(10) : r.nextInt(300_000);
            assertThat(RatedItem.compareDecimalText(a, b)).as(a + " vs " + b)
                    .isEqualTo(Integer.signum(Integer.toString(a).compareTo(Integer.toString(b))));
        }
    }

    @Test
    void historyOrderIsByTimeThenMovieText() {
        List<RatedItem> items = new ArrayList<>(List.of(new RatedItem(10, 8, 5), new RatedItem(9, 8, 5),
                new RatedItem(100, 8, 4), new RatedItem(1, 8, 5)));
        items.sort(RatedItem.OLDEST_FIRST);
        assertThat(items).extracting(RatedItem::movieId).containsExactly(100, 1, 10, 9);
    }
}
