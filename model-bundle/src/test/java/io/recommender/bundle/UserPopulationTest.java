package io.recommender.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserPopulationTest {
    @TempDir
    Path tmp;

    @Test
    void aBundlesUsersAndTheirTrainingRatingsRoundTripThroughTheTextForm() throws Exception {
        Path bundle = BundleRoundTripTest.writeBundle(tmp.resolve("bundle"), 3);
        UserPopulation fromBundle = UserPopulation.read(bundle);
        // writeBundle's seen.bin: user 7 rated two movies, user 1 one; ids come back ascending.
        assertThat(fromBundle.userIds()).containsExactly(1, 7);
        assertThat(fromBundle.trainingRatings()).containsExactly(1, 2);
        assertThat(fromBundle.maxUserId()).isEqualTo(7);

        Path file = tmp.resolve("gate/users.txt");
        fromBundle.write(file);
        assertThat(Files.readAllLines(file)).containsExactly(UserPopulation.HEADER, "1 1", "7 2");
        UserPopulation back = UserPopulation.read(file);
        assertThat(back.userIds()).containsExactly(1, 7);
        assertThat(back.trainingRatings()).containsExactly(1, 2);
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void badFilesNameTheFileAndLine() throws Exception {
        Path notOurs = tmp.resolve("a.txt");
        Files.writeString(notOurs, "1 2\n");
        assertThatThrownBy(() -> UserPopulation.read(notOurs)).isInstanceOf(BundleException.class)
                .hasMessageContaining("a.txt: not a user population file");
        Path garbled = tmp.resolve("b.txt");
        Files.writeString(garbled, UserPopulation.HEADER + "\n1 2\nx 3\n");
        assertThatThrownBy(() -> UserPopulation.read(garbled)).hasMessageContaining("b.txt line 3: not two whole numbers");
        Path unsorted = tmp.resolve("c.txt");
        Files.writeString(unsorted, UserPopulation.HEADER + "\n5 2\n3 3\n");
        assertThatThrownBy(() -> UserPopulation.read(unsorted)).hasMessageContaining("ascending");
        Path empty = tmp.resolve("d.txt");
        Files.writeString(empty, UserPopulation.HEADER + "\n");
        assertThatThrownBy(() -> UserPopulation.read(empty)).hasMessageContaining("at least one user");
        assertThatThrownBy(() -> UserPopulation.read(tmp.resolve("nothing"))).isInstanceOf(BundleException.class)
                .hasMessageContaining("nothing: neither a bundle directory nor a user population file");
        Path notABundle = Files.createDirectories(tmp.resolve("empty-dir"));
        assertThatThrownBy(() -> UserPopulation.read(notABundle)).hasMessageContaining("not a model bundle (no seen.bin)");
        Path truncated = tmp.resolve("seen.bin");
        SeenItems.of(new int[] {1, 2}, new int[][] {{3}, {4, 5}}).write(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), 20));
        assertThatThrownBy(() -> SeenItems.readActivity(truncated)).hasMessageContaining("size does not match");
    }
}
