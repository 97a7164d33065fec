package io.recommender.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recommender.training.TinyData;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselinesTest {
    @TempDir
    Path tmp;

    @Test
    void globalMeanPopularityAndRegularisedBiases() throws IOException {
        Ratings r = MovieLensReader.read(TinyData.write(tmp));
        Baselines b = Baselines.fit(r, new int[] {0, 1, 2, 3, 4});

        assertThat(b.globalMean()).isCloseTo((4 + 5 + 3 + 2 + 4.5) / 5, within(1e-9));
        assertThat(b.popularity()).containsExactly(2f, 1f, 1f, 1f);

        // One sweep by hand: item biases first (users 0), then user biases given those.
        double mu = 3.7;
        double bi10 = ((4 - mu) + (2 - mu)) / (Baselines.ITEM_REG + 2);
        double bi20 = (5 - mu) / (Baselines.ITEM_REG + 1);
        double bi30 = (3 - mu) / (Baselines.ITEM_REG + 1);
        double bu1 = ((4 - mu - bi10) + (5 - mu - bi20) + (3 - mu - bi30)) / (Baselines.USER_REG + 3);
        // More sweeps move these only slightly; the prediction keeps its sign and size.
        assertThat(b.predictBias(0, 1)).isCloseTo((float) (mu + bu1 + bi20), within(0.01f));
        assertThat(b.predictBias(0, 1)).isGreaterThan(b.predictBias(1, 1));
    }
}
