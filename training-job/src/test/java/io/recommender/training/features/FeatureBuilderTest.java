package io.recommender.training.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recommender.training.TinyData;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void userAndItemRowsFromTrainingRatingsOnly() throws IOException {
        Ratings r = MovieLensReader.read(TinyData.write(tmp));
        // Train on user 1's three ratings and user 2's first; user 2's 4.5 for movie 40 is held out.
        Features f = FeatureBuilder.build(r, new int[] {0, 1, 2, 3});

        assertThat(f.userWidth()).isEqualTo(FeatureBuilder.USER_WIDTH).isEqualTo(22);
        assertThat(f.itemWidth()).isEqualTo(FeatureBuilder.ITEM_WIDTH).isEqualTo(23);
        assertThat(f.users()).isEqualTo(2);
        assertThat(f.items()).isEqualTo(4);
        assertThat(f.userRows()[0]).isEqualTo(0f);
        assertThat(f.userRows()[f.userWidth()]).isEqualTo(1f);

        // Mean rating: user 1 = 4.0, user 2 = 2.0; standardised over two users they become +1 and -1.
        assertThat(f.userRows()[2]).isCloseTo(1f, within(1e-5f));
        assertThat(f.userRows()[f.userWidth() + 2]).isCloseTo(-1f, within(1e-5f));
        // log1p(count): user 1 has 3, user 2 has 1 -> standardised to +1 / -1 as well.
        assertThat(f.userRows()[1]).isCloseTo(1f, within(1e-5f));

        // Genre "Drama" mean, shrunk towards the user's mean: neither user rated a drama in training,
        // so both equal their overall mean, which standardises to +1 / -1.
        int drama = 3 + FeatureBuilder.GENRES.indexOf("Drama");
        assertThat(f.userRows()[drama]).isCloseTo(1f, within(1e-5f));
        // "Action": user 1 rated Heat 5.0 -> (5 + 2 * 4) / (1 + 2) = 4.333; user 2 -> 2.0.
        int action = 3 + FeatureBuilder.GENRES.indexOf("Action");
        assertThat(f.userRows()[action]).isCloseTo(1f, within(1e-5f));

        // Item genre flags.
        int w = f.itemWidth();
        assertThat(f.itemRows()[1 + FeatureBuilder.GENRES.indexOf("Animation")]).isEqualTo(1f);
        assertThat(f.itemRows()[1 + FeatureBuilder.GENRES.indexOf("Drama")]).isEqualTo(0f);
        assertThat(f.itemRows()[3 * w + 1 + FeatureBuilder.GENRES.indexOf("Drama")]).isEqualTo(1f);
        // Year known flag: movie 30 has none.
        int known = 1 + FeatureBuilder.GENRES.size() + 1;
        assertThat(f.itemRows()[2 * w + known]).isLessThan(f.itemRows()[known]);
        // Popularity from training only: movie 10 has 2 ratings, movie 30 has 1, and movie 40's only rating
        // is held out.
        int pop = known + 1;
        assertThat(f.itemRows()[3 * w + pop]).isLessThan(f.itemRows()[2 * w + pop]);
        assertThat(f.itemRows()[2 * w + pop]).isLessThan(f.itemRows()[pop]);
    }

    @Test
    void historyColumnsHoldTrainingItemsByWeightThenPadding() throws IOException {
        Ratings r = MovieLensReader.read(TinyData.write(tmp));
        // User 1 rated movies 10 (4.0), 20 (5.0), 30 (3.0) in training; user 2 only movie 10 (2.0).
        Features f = FeatureBuilder.build(r, new int[] {0, 1, 2, 3}, 2);
        int side = FeatureBuilder.USER_WIDTH;
        assertThat(f.userWidth()).isEqualTo(side + 4);
        float[] u1 = java.util.Arrays.copyOfRange(f.userRows(), 0, f.userWidth());
        float[] u2 = java.util.Arrays.copyOfRange(f.userRows(), f.userWidth(), 2 * f.userWidth());
        // The side features are those of the build without history.
        Features plain = FeatureBuilder.build(r, new int[] {0, 1, 2, 3});
        assertThat(java.util.Arrays.copyOf(u1, side)).containsExactly(java.util.Arrays.copyOf(plain.userRows(), side));
        // User 1 keeps the two highest-rated items: movie 20 (index 1), then movie 10 (index 0).
        assertThat(java.util.Arrays.copyOfRange(u1, side, side + 4)).containsExactly(1f, 0f,
                FeatureBuilder.historyWeight(5f), FeatureBuilder.historyWeight(4f));
        // User 2: one item, then a padding slot with weight 0.
        assertThat(java.util.Arrays.copyOfRange(u2, side, side + 4)).containsExactly(0f, 0f,
                FeatureBuilder.historyWeight(2f), 0f);
    }

    @Test
    void standardiseGivesZeroMeanUnitVarianceAndZeroForConstants() {
        float[] rows = {0, 1, 5, 0, 3, 5, 0, 5, 5};
        FeatureBuilder.standardise(rows, 3, 1, 3);
        assertThat(rows[1]).isCloseTo(-1.2247449f, within(1e-5f));
        assertThat(rows[4]).isCloseTo(0f, within(1e-6f));
        assertThat(rows[7]).isCloseTo(1.2247449f, within(1e-5f));
        assertThat(rows[2]).isZero();
    }
}
