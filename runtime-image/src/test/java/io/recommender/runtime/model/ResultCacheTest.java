package io.recommender.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultCacheTest {
    static ResultCache.Ranking ranking(int user) {
        return new ResultCache.Ranking(user, new int[] {user}, new float[] {user});
    }

    @Test
    void holdsEveryUserWhenTheyFitAndNeverMoreSlotsThanUsers() {
        ResultCache cache = new ResultCache(10_000, 40);
        assertThat(cache.slots()).isEqualTo(40);
        for (int user = 0; user < 40; user++) {
            assertThat(cache.get(user)).isNull();
            assertThat(cache.put(ranking(user))).as("evicted another user").isFalse();
        }
        for (int user = 0; user < 40; user++) {
            assertThat(cache.get(user).rows()).containsExactly(user);
        }
    }

    @Test
    void usersSharingASlotReplaceEachOther() {
        ResultCache cache = new ResultCache(7, 40);
        assertThat(cache.slots()).isEqualTo(7);
        assertThat(cache.put(ranking(3))).isFalse();
        assertThat(cache.put(ranking(5))).isFalse();
        assertThat(cache.put(ranking(10))).as("10 % 7 == 3").isTrue();
        assertThat(cache.get(3)).isNull();
        assertThat(cache.get(10).rows()).containsExactly(10);
        assertThat(cache.get(5).rows()).containsExactly(5);
        assertThat(cache.get(12)).as("slot 5 holds user 5").isNull();
        assertThat(cache.put(ranking(10))).as("the same user again").isFalse();
    }
}
