package io.recommender.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCopyTest {
    @Test
    void aCopyHoldsExactlyTheListedFilesAndVerifies(@TempDir Path dir) throws IOException {
        Path bundle = BundleRoundTripTest.writeBundle(dir.resolve("image"), 3);
        Files.writeString(bundle.resolve("not-listed.txt"), "left behind");

        ModelBundle copy = BundleCopy.copy(bundle, dir.resolve("stable"));

        assertThat(copy.manifest()).isEqualTo(ModelBundle.open(bundle).manifest());
        assertThat(dir.resolve("stable/not-listed.txt")).doesNotExist();
        assertThat(copy.items().values()).containsExactly(ModelBundle.open(bundle).items().values());
    }

    @Test
    void aTamperedBundleIsNotCopiedAndAnExistingCopyIsNotOverwritten(@TempDir Path dir) throws IOException {
        Path bundle = BundleRoundTripTest.writeBundle(dir.resolve("image"), 3);
        BundleCopy.copy(bundle, dir.resolve("stable"));
        assertThatThrownBy(() -> BundleCopy.copy(bundle, dir.resolve("stable")))
                .isInstanceOf(BundleException.class).hasMessageEndingWith("already holds a bundle");

        byte[] items = Files.readAllBytes(bundle.resolve(BundleLayout.ITEMS));
        items[items.length - 1] ^= 1;
        Files.write(bundle.resolve(BundleLayout.ITEMS), items);
        assertThatThrownBy(() -> BundleCopy.copy(bundle, dir.resolve("other")))
                .isInstanceOf(BundleException.class).hasMessageContaining("checksum mismatch for items.bin");
        assertThat(dir.resolve("other")).doesNotExist();
    }
}
