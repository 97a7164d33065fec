package io.recommender.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRD under crds/ is what the Java types generate; a stale copy would install an old schema. */
class CommittedCrdTest {
    static final String NAME = "recommenders.recommender.io-v1.yml";

    @Test
    void committedCrdMatchesTheGeneratedOne() throws IOException {
        String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", NAME));
        Path committed = Path.of("..", "crds", NAME);
        assertThat(Files.exists(committed)).as("crds/" + NAME + " is missing").isTrue();
        assertThat(Files.readString(committed))
                .as("crds/%s is stale: mvn -pl recommender-api process-test-classes, then cp "
                        + "recommender-api/target/classes/META-INF/fabric8/%s crds/", NAME, NAME)
                .isEqualTo(generated);
    }
}
