package io.recommender.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Recommender that leaves {@code epochs} or {@code embeddingSize} out gets the CRD's defaults, which the operator
 * passes to {@code train}; they must be the ones {@code train} itself would use, or the two entry points train
 * different models. (training-job does not depend on the API module, so this reads the committed CRD.)
 */
class TrainingDefaultsTest {
    private static final Path CRD = Path.of("..", "crds", "recommenders.recommender.io-v1.yml");

    @Test
    void theCrdDefaultsAreTheTrainCommandDefaults() throws IOException {
        String crd = Files.readString(CRD);
        assertThat(crdDefault(crd, "epochs")).isEqualTo(TrainingConfig.DEFAULT_EPOCHS);
        assertThat(crdDefault(crd, "embeddingSize")).isEqualTo(TrainingConfig.DEFAULT_EMBEDDING_SIZE);
    }

    private static int crdDefault(String crd, String field) {
        Matcher m = Pattern.compile("\\n\\s*" + field + ":\\s*\\n\\s*default: (\\d+)").matcher(crd);
        assertThat(m.find()).as("the CRD's default of " + field).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
