package io.recommender.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRoundTripTest {
    @TempDir
    Path tmp;

    static Manifest manifest(long version) {
        return new Manifest(BundleLayout.FORMAT_VERSION, "movies", version, "2026-11-27T00:00:00Z", "trained",
                "abc", new Manifest.Embedding(3, 2, BundleLayout.SIGNATURE, BundleLayout.SIGNATURE_INPUT,
                        BundleLayout.SIGNATURE_OUTPUT),
                Map.of("epochs", 3), new Manifest.Metrics(0.8, 0.1, 0.2, new Manifest.Baselines(1.0, 0.9, 0.05, 0.06)),
                Map.of("users", 2L), new TreeMap<>());
    }

    static Path writeBundle(Path out, long version) throws IOException {
        try (BundleWriter w = BundleWriter.create(out, "movies", version)) {
            Files.createDirectories(w.savedModelDir().resolve("variables"));
            Files.writeString(w.savedModelDir().resolve("saved_model.pb"), "graph");
            Files.writeString(w.savedModelDir().resolve("variables/variables.index"), "index");
            w.writeUserInputs(new FloatTable(new int[] {1, 7}, 2, new float[] {0, 1, 2, 3}));
            w.writeItems(new FloatTable(new int[] {10, 20, 30}, 3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
            w.writeItemPopularity(new FloatTable(new int[] {10, 20, 30}, 1, new float[] {5, 1, 3}));
            w.writeSeen(SeenItems.of(new int[] {7, 1}, new int[][] {{30, 10}, {20}}));
            w.writeTitles(Map.of(10, "Ten (1990)", 20, "Twenty\twith tab", 30, "Thirty"));
            w.commit(manifest(version));
        }
        return out;
    }

    @Test
    void userFeatureParametersRoundTripExactlyAndOldManifestsHaveNone() throws IOException {
        Path old = writeBundle(tmp.resolve("old"), 1);
        assertThat(ModelBundle.open(old).manifest().userFeatures()).isNull();

        // Width 2 = index + one side feature + no history; doubles that a short decimal cannot hold must survive.
        Manifest.UserFeatures uf = new Manifest.UserFeatures(Manifest.UserFeatures.TRANSFORM, 0, 2.0, 3.5012345678901234,
                new double[] {Math.PI / 7}, new double[] {Math.nextUp(0.1)}, 2, 5000);
        Path withFeatures = tmp.resolve("new");
        try (BundleWriter w = BundleWriter.create(withFeatures, "movies", 2)) {
            Files.createDirectories(w.savedModelDir().resolve("variables"));
            Files.writeString(w.savedModelDir().resolve("saved_model.pb"), "graph");
            w.writeUserInputs(new FloatTable(new int[] {1, 7}, 2, new float[] {0, 1, 2, 3}));
            w.writeItems(new FloatTable(new int[] {10, 20, 30}, 3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
            w.writeItemPopularity(new FloatTable(new int[] {10, 20, 30}, 1, new float[] {5, 1, 3}));
            w.writeSeen(SeenItems.of(new int[] {7, 1}, new int[][] {{30, 10}, {20}}));
            w.writeTitles(Map.of(10, "Ten"));
            Manifest m = manifest(2);
            w.commit(new Manifest(m.formatVersion(), m.modelName(), m.modelVersion(), m.createdAt(), m.source(),
                    m.dataFingerprint(), m.embedding(), m.hyperParameters(), m.metrics(), m.counts(), m.files(), uf));
        }
        Manifest.UserFeatures back = ModelBundle.open(withFeatures).manifest().userFeatures();
        assertThat(back.globalMean()).isEqualTo(uf.globalMean());
        assertThat(back.columnMean()).containsExactly(uf.columnMean());
        assertThat(back.columnStd()).containsExactly(uf.columnStd());
        assertThat(back.oovIndex()).isEqualTo(2);
        assertThat(back.maxHistory()).isEqualTo(5000);
        // The whole manifest compares by value, arrays included.
        assertThat(back).isEqualTo(uf).hasSameHashCodeAs(uf);
        assertThat(ModelBundle.open(withFeatures).manifest()).isEqualTo(ModelBundle.open(withFeatures).manifest());
    }

    @Test
    void writesAndReadsBackEveryPart() throws IOException {
        Path dir = writeBundle(tmp.resolve("bundle"), 42);

        ModelBundle b = ModelBundle.open(dir);
        assertThat(b.manifest().metrics().rmse()).isEqualTo(0.8);
        assertThat(b.manifest().metrics().baselines().userItemBiasRmse()).isEqualTo(0.9);
        assertThat(b.manifest().files()).containsKeys("items.bin", "saved_model/movies/42/saved_model.pb",
                "saved_model/movies/42/variables/variables.index");
        assertThat(b.items().ids()).containsExactly(10, 20, 30);
        assertThat(b.items().row(1)).containsExactly(4f, 5f, 6f);
        assertThat(b.userInputs().get(1, 1)).isEqualTo(3f);
        assertThat(b.seen().seenBy(7)).containsExactly(10, 30);
        assertThat(b.seen().seenBy(1)).containsExactly(20);
        assertThat(b.seen().seenBy(99)).isEmpty();
        assertThat(b.titles()).containsEntry(20, "Twenty with tab");
        assertThat(b.savedModelDir()).isEqualTo(dir.resolve("saved_model/movies/42"));
        assertThat(siblings()).containsExactly("bundle");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void manifestCarriesTheDocumentedFieldNames() throws IOException {
        Path dir = writeBundle(tmp.resolve("bundle"), 42);
        String json = Files.readString(dir.resolve(BundleLayout.MANIFEST));
        assertThat(json).contains("\"formatVersion\" : 1", "\"rmse\" : 0.8", "\"recallAt10\"", "\"ndcgAt10\"",
                "\"baselines\"", "\"userItemBiasRmse\"");
    }

    @Test
    void corruptFileIsRejectedWithItsName() throws IOException {
        Path dir = writeBundle(tmp.resolve("bundle"), 42);
        byte[] bytes = Files.readAllBytes(dir.resolve(BundleLayout.ITEMS));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve(BundleLayout.ITEMS), bytes);

        assertThatThrownBy(() -> ModelBundle.open(dir)).isInstanceOf(BundleException.class)
                .hasMessageContaining("checksum mismatch for items.bin");
    }

    @Test
    void missingFileAndUnsupportedFormatAreRejected() throws IOException {
        Path dir = writeBundle(tmp.resolve("bundle"), 42);
        Files.delete(dir.resolve(BundleLayout.SEEN));
        assertThatThrownBy(() -> ModelBundle.open(dir)).hasMessageContaining("seen.bin is listed in the manifest but missing");

        Path other = writeBundle(tmp.resolve("other"), 43);
        Path manifest = other.resolve(BundleLayout.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 9"));
        assertThatThrownBy(() -> ModelBundle.open(other)).hasMessageContaining("format version 9 is not supported");
    }

    @Test
    void pathOutsideTheBundleIsRejected() throws IOException {
        Path dir = writeBundle(tmp.resolve("bundle"), 42);
        Path manifest = dir.resolve(BundleLayout.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("\"items.bin\"", "\"../items.bin\""));
        assertThatThrownBy(() -> ModelBundle.open(dir)).hasMessageContaining("outside the bundle");
    }

    @Test
    void notABundleAndMalformedManifestSayWhy() throws IOException {
        assertThatThrownBy(() -> ModelBundle.open(tmp)).hasMessageContaining("not a model bundle");
        Files.writeString(tmp.resolve(BundleLayout.MANIFEST), "{ not json");
        assertThatThrownBy(() -> ModelBundle.open(tmp)).hasMessageContaining("malformed manifest");
    }

    @Test
    void uncommittedWriterLeavesNothingBehind() throws IOException {
        try (BundleWriter w = BundleWriter.create(tmp.resolve("bundle"), "movies", 1)) {
            w.writeItems(new FloatTable(new int[] {1}, 1, new float[] {1}));
        }
        assertThat(siblings()).isEmpty();
    }

    @Test
    void commitReplacesAnEarlierBundleWhole() throws IOException {
        writeBundle(tmp.resolve("bundle"), 1);
        writeBundle(tmp.resolve("bundle"), 2);
        ModelBundle b = ModelBundle.open(tmp.resolve("bundle"));
        assertThat(b.manifest().modelVersion()).isEqualTo(2);
        assertThat(Files.exists(tmp.resolve("bundle/saved_model/movies/1"))).isFalse();
        assertThat(siblings()).containsExactly("bundle");
    }

    @Test
    void refusesToOverwriteSomethingThatIsNotABundle() throws IOException {
        Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(tmp.resolve("precious/notes.txt"), "keep me");
        assertThatThrownBy(() -> BundleWriter.create(tmp.resolve("precious"), "movies", 1))
                .hasMessageContaining("is not a model bundle");
        assertThat(Files.readString(tmp.resolve("precious/notes.txt"))).isEqualTo("keep me");
    }

    @Test
    void truncatedTableIsRejected() throws IOException {
        Path f = tmp.resolve("t.bin");
        new FloatTable(new int[] {1, 2}, 2, new float[] {1, 2, 3, 4}).write(f);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> FloatTable.read(f)).hasMessageContaining("does not match shape 2 x 2");
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
