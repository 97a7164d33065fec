package io.recommender.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
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
        assertThat(mix.knownRange()).isEqualTo("1-610");
    }

    @Test
    void rejectsBadRangesAndShares() {
        assertThatThrownBy(() -> UserIdMix.parse("610", 0.1)).hasMessageContaining("range");
        assertThatThrownBy(() -> UserIdMix.parse("610-1", 0.1)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> UserIdMix.parse("1-610", 1.1)).hasMessageContaining("unknown fraction");
    }
}
