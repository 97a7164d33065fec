package io.recommender.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.training.TrainedBundle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundled:, paths and the refused forms; nothing is downloaded for these. */
class DatasetSourceTest {
    @TempDir
    Path tmp;

    private static DatasetSource source(Map<String, String> env) {
        return new DatasetSource(env, HttpDownloader.standard(), () -> {
            throw new AssertionError("no S3 here");
        }, DatasetLimits.DEFAULT, new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void bundledIsTheFolderUnderTheImagesDatasets() throws IOException {
        Path datasets = TrainedBundle.DATA.getParent().toAbsolutePath();
        try (ResolvedDataset d = source(Map.of("RECOMMENDER_DATASETS", datasets.toString()))
                .resolve("bundled:ml-latest-small", tmp)) {
            assertThat(d.directory()).isEqualTo(datasets.resolve("ml-latest-small"));
            assertThat(d.downloaded()).isFalse();
        }
        assertThat(datasets.resolve("ml-latest-small/ratings.csv")).exists();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void bundledWithoutTheVariableSaysSo() {
        assertThatThrownBy(() -> source(Map.of()).resolve("bundled:ml-latest-small", tmp))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset bundled:ml-latest-small: RECOMMENDER_DATASETS is not set");
    }

    @Test
    void anUnknownBundledDatasetNamesTheFolderLookedFor() {
        Path datasets = TrainedBundle.DATA.getParent().toAbsolutePath();
        assertThatThrownBy(() -> source(Map.of("RECOMMENDER_DATASETS", datasets.toString())).resolve("bundled:ml-25m", tmp))
                .hasMessage("dataset bundled:ml-25m: no folder " + datasets.resolve("ml-25m"));
    }

    @Test
    void aBundledNameCannotLeaveTheDatasetsFolder() {
        assertThatThrownBy(() -> source(Map.of("RECOMMENDER_DATASETS", "/opt/recommender/datasets"))
                .resolve("bundled:../../etc", tmp))
                .hasMessageContaining("lower-case letters, digits and '-'");
    }

    @Test
    void aPathIsUsedAsItIs() throws IOException {
        Path abs = TrainedBundle.DATA.toAbsolutePath();
        try (ResolvedDataset d = source(Map.of()).resolve(abs.toString(), tmp)) {
            assertThat(d.directory()).isEqualTo(abs);
            assertThat(d.downloaded()).isFalse();
        }
        try (ResolvedDataset d = source(Map.of()).resolve("data/ml-latest-small", tmp)) {
            assertThat(d.directory()).isEqualTo(Path.of("data/ml-latest-small"));
        }
        assertThat(abs.resolve("ratings.csv")).exists();
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> source(Map.of()).resolve("gs://bucket/ml", tmp))
                .hasMessage("dataset gs://...: unsupported; use bundled:<name>, an absolute path, http(s):// or s3://");
        assertThatThrownBy(() -> source(Map.of()).resolve("s3:///ml", tmp)).hasMessage("dataset s3:///ml: no bucket");
        assertThat(tmp).isEmptyDirectory();
    }
}
