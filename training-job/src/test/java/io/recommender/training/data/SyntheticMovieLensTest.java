package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.featurestore.Genres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMovieLensTest {
    static final SyntheticMovieLens.Shape SMALL = new SyntheticMovieLens.Shape(3_000, 4_000, 300_000, 7);

    @TempDir
    Path dir;

    @Test
    void theReaderTakesItAndItHasTheAskedSizesAndMovieLensTraits() throws IOException {
        SyntheticMovieLens.write(SMALL, dir);
        Ratings r = MovieLensReader.read(dir);
        assertThat(r.size()).isEqualTo(300_000);
        assertThat(r.userCount()).isEqualTo(3_000);
        assertThat(r.itemCount()).isLessThanOrEqualTo(4_000).isGreaterThan(3_000);
        assertThat(Files.readAllLines(dir.resolve("movies.csv"))).hasSize(4_001);

        int[] perUser = new int[r.userCount()];
        int[] perItem = new int[r.itemCount()];
        double sum = 0;
        for (int i = 0; i < r.size(); i++) {
            perUser[r.user(i)]++;
            perItem[r.item(i)]++;
            float y = r.rating(i);
            assertThat(y * 2).isEqualTo(Math.round(y * 2));
            assertThat(y).isBetween(0.5f, 5f);
            sum += y;
        }
        assertThat(sum / r.size()).as("mean rating").isBetween(3.2, 3.8);
        // At least 20 ratings per user, as in MovieLens, and a long tail: the busiest users far above the median.
        Arrays.sort(perUser);
        assertThat(perUser[0]).isGreaterThanOrEqualTo(20);
        assertThat(perUser[perUser.length - 1]).isGreaterThan(5 * perUser[perUser.length / 2]);
        // Long-tailed movies: the most rated tenth holds most ratings.
        Arrays.sort(perItem);
        long top = 0;
        for (int i = perItem.length - perItem.length / 10; i < perItem.length; i++) {
            top += perItem[i];
        }
        assertThat(top).as("ratings of the most rated tenth of the movies").isGreaterThan(r.size() / 2);
        for (int i = 0; i < r.itemCount(); i++) {
            assertThat(r.movie(i).genres()).isNotEmpty().allMatch(Genres.ALL::contains);
        }
    }

    @Test
    void theSameShapeAndSeedGiveTheSameBytesAndAnotherSeedOthers() throws IOException {
        SyntheticMovieLens.Shape shape = new SyntheticMovieLens.Shape(200, 500, 10_000, 3);
        SyntheticMovieLens.write(shape, dir.resolve("a"));
        SyntheticMovieLens.write(shape, dir.resolve("b"));
        SyntheticMovieLens.write(new SyntheticMovieLens.Shape(200, 500, 10_000, 4), dir.resolve("c"));
        for (String f : List.of("movies.csv", "ratings.csv")) {
            assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f))).isEqualTo(-1L);
        }
        assertThat(Files.mismatch(dir.resolve("a/ratings.csv"), dir.resolve("c/ratings.csv"))).isNotEqualTo(-1L);
        assertThat(Files.list(dir.resolve("a")).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("movies.csv", "ratings.csv");
    }

    @Test
    void usersWhoPreferAGenreRateItHigher() throws IOException {
        SyntheticMovieLens.write(SMALL, dir);
        Ratings r = MovieLensReader.read(dir);
        // Each user's own mean over the genre they rated most, against their overall mean: taste shows in ratings.
        int users = r.userCount();
        int g = Genres.ALL.size();
        int[][] count = new int[users][g];
        double[][] total = new double[users][g];
        double[] userSum = new double[users];
        int[] userCount = new int[users];
        for (int i = 0; i < r.size(); i++) {
            int u = r.user(i);
            userSum[u] += r.rating(i);
            userCount[u]++;
            for (String genre : r.movie(r.item(i)).genres()) {
                int k = Genres.ALL.indexOf(genre);
                count[u][k]++;
                total[u][k] += r.rating(i);
            }
        }
        double lift = 0;
        for (int u = 0; u < users; u++) {
            int best = 0;
            for (int k = 1; k < g; k++) {
                best = count[u][k] > count[u][best] ? k : best;
            }
            lift += total[u][best] / count[u][best] - userSum[u] / userCount[u];
        }
        assertThat(lift / users).as("mean rating lift of a user's most rated genre").isGreaterThan(0.05);
    }

    @Test
    void sizesThatCannotFitAreRefusedInWords() {
        assertThatThrownBy(() -> new SyntheticMovieLens.Shape(10, 40, 1_000, 1))
                .hasMessage("1000 ratings do not fit 10 users and 40 movies: each user rates at least one movie and "
                        + "at most a quarter of them (100 in all)");
        assertThatThrownBy(() -> new SyntheticMovieLens.Shape(0, 40, 0, 1)).hasMessageContaining("at least one user");
    }
}
