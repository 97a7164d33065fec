package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.bundle.UserPopulation;
import io.recommender.loadtest.RealUsers;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UserIdMixTest {

    @Test
    void mixesKnownAndUnknownUsersInTheAskedShare() {
        UserIdMix mix = UserIdMix.parse("1-610", 0.1);
        SplittableRandom random = new SplittableRandom(3);
        BitSet knownSeen = new BitSet();
        int unknown = 0;
        int draws = 100_000;
        for (int i = 0; i < draws; i++) {
            long id = mix.next(random);
            if (mix.isKnown(id)) {
                knownSeen.set((int) id);
            } else {
                unknown++;
                assertThat(id).isBetween(611L, 610L + UserIdMix.UNKNOWN_SPAN);
            }
        }
        // 10 % of 100 000 draws: a binomial with a standard deviation of about 95.
        assertThat(unknown).isBetween(9_500, 10_500);
        assertThat(knownSeen.cardinality()).isEqualTo(610);
        assertThat(knownSeen.get(0)).isFalse();
    }

    @Test
    void extremesOfTheShare() {
        SplittableRandom random = new SplittableRandom(5);
        UserIdMix allKnown = new UserIdMix(5, 5, 0);
        UserIdMix allUnknown = new UserIdMix(5, 5, 1);
        for (int i = 0; i < 1000; i++) {
            assertThat(allKnown.next(random)).isEqualTo(5);
            assertThat(allUnknown.isKnown(allUnknown.next(random))).isFalse();
        }
    }

    @Test
    void sameSeedSameUsers() {
        UserIdMix mix = UserIdMix.parse(" 1 - 610 ", 0.3);
        SplittableRandom a = new SplittableRandom(9);
        SplittableRandom b = new SplittableRandom(9);
        for (int i = 0; i < 100; i++) {
            assertThat(mix.next(a)).isEqualTo(mix.next(b));
        }
        assertThat(mix.describe()).isEqualTo("1-610");
    }

    @Test
    void rejectsBadRangesAndShares() {
        assertThatThrownBy(() -> UserIdMix.parse("610", 0.1)).hasMessageContaining("range");
        assertThatThrownBy(() -> UserIdMix.parse("610-1", 0.1)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> UserIdMix.parse("1-610", 1.1)).hasMessageContaining("unknown fraction");
    }

    @Test
    void theModelsOwnUsersDrawnByTrainingActivityOrUniformly() {
        UserPopulation real = RealUsers.population();
        int[] ids = real.userIds();
        int[] ratings = real.trainingRatings();
        long total = java.util.Arrays.stream(ratings).asLongStream().sum();
        int draws = 200_000;
        for (UserIdMix.Sampling sampling : UserIdMix.Sampling.values()) {
            UserIdMix mix = UserIdMix.of(real, sampling, 0.1);
            Map<Long, Integer> asked = new HashMap<>();
            int unknown = 0;
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < draws; i++) {
                long id = mix.next(random);
                if (mix.isKnown(id)) {
                    asked.merge(id, 1, Integer::sum);
                } else {
                    unknown++;
                    assertThat(id).isGreaterThan(real.maxUserId());
                }
            }
            assertThat(unknown).as(sampling + ": 10 %, sd about 134").isBetween(19_400, 20_600);
            int known = draws - unknown;
            for (int i = 0; i < ids.length; i++) {
                double p = sampling == UserIdMix.Sampling.ACTIVITY ? (double) ratings[i] / total : 1.0 / ids.length;
                double expected = known * p;
                double sd = Math.sqrt(known * p * (1 - p));
                // Six standard deviations: 610 users never all within 3, but no user ever strays this far.
                assertThat((double) asked.getOrDefault((long) ids[i], 0)).as(sampling + ", user " + ids[i])
                    .isBetween(expected - 6 * sd - 1, expected + 6 * sd + 1);
            }
        }
        assertThat(UserIdMix.of(real, UserIdMix.Sampling.ACTIVITY, 0).describe())
            .isEqualTo("610 users of the model (ids 1-610), by training activity");
    }

    @Test
    void aPopulationWithGapsNeverAsksForAnIdOutsideIt() {
        UserPopulation sparse = new UserPopulation(new int[] {3, 50, 7000}, new int[] {1, 0, 5});
        UserIdMix mix = UserIdMix.of(sparse, UserIdMix.Sampling.ACTIVITY, 0);
        SplittableRandom random = new SplittableRandom(1);
        Map<Long, Integer> asked = new HashMap<>();
        for (int i = 0; i < 7000; i++) {
            asked.merge(mix.next(random), 1, Integer::sum);
        }
        // Weights 1, 1 (a user with no training ratings is still asked about), 5 of 7.
        assertThat(asked.keySet()).containsExactlyInAnyOrder(3L, 50L, 7000L);
        assertThat(asked.get(7000L)).isBetween(4700, 5300);
        assertThat(mix.isKnown(4)).isFalse();
        assertThat(mix.isKnown(50)).isTrue();
        assertThat(mix.knownMin()).isEqualTo(3);
    }
}
