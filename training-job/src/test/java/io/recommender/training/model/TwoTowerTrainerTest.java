package io.recommender.training.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.training.TinyData;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.features.FeatureBuilder;
import io.recommender.training.features.Features;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoTowerTrainerTest {
    @TempDir
    Path tmp;

    /** Early stopping by validation recall@10 needs relevant validation ratings; without any, training refuses. */
    @Test
    void validationWithoutRelevantRatingsIsRefusedWithAClearMessage() throws IOException {
        Ratings r = MovieLensReader.read(TinyData.write(tmp));
        Features f = FeatureBuilder.build(r, new int[] {0, 1, 2}, 4);
        TwoTowerTrainer.Examples train = new TwoTowerTrainer.Examples(new int[] {0, 0, 0}, new int[] {0, 1, 2},
                new float[] {4f, 5f, 3f});
        // User 2's 2.0 for movie 10 is below the relevance threshold of 4.
        TwoTowerTrainer.Examples validation = new TwoTowerTrainer.Examples(new int[] {1}, new int[] {0},
                new float[] {2f});
        TrainingConfig config = TrainingConfig.defaults(1, 4, 1, Device.CPU).withHistory(4);
        assertThatThrownBy(() -> new TwoTowerTrainer(config).train(f, 3.5f, train, validation, x -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validation split has no rating >= 4.0")
                .hasMessageContaining("--validation-fraction");
    }
}
