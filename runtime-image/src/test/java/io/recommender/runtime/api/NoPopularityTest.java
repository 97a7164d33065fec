package io.recommender.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.recommender.bundle.BundleWriter;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.ModelBundle;
import io.recommender.runtime.Http;
import io.recommender.runtime.TestBundles;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A bundle imported without ratings has no item popularity: its "most rated" items would be the first rows of the
 * item file, so a user the model does not know gets a 404 saying why, not those rows as a fallback.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoPopularityTest implements TestPropertyProvider {
    @Inject
    EmbeddedServer server;
    Http http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("recommender.bundle-path", withoutPopularity().toString(),
                "recommender.embedding-source", "embedded");
    }

    @BeforeEach
    void client() {
        http = new Http(URI.create(server.getURL().toString()));
    }

    @Test
    void unknownUserIsNotFoundWithTheReason() {
        Http.Answer a = http.get("/v1/recommendations/2");

        assertThat(a.status()).as(a.body()).isEqualTo(404);
        assertThat(a.json().get("error").asText()).isEqualTo("unknown user 2: the model has no item popularity to "
                + "fall back on (its bundle was imported without --ratings)");
        assertThat(http.post("/predict", "{\"uid\": -5}").status()).isEqualTo(404);
    }

    @Test
    void knownUsersAreStillAnswered() {
        int known = ModelBundle.open(TestBundles.standard()).userInputs().ids()[0];

        Http.Answer a = http.get("/v1/recommendations/" + known);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("fallback").asBoolean()).isFalse();
        assertThat(a.json().get("items").size()).isEqualTo(10);
    }

    /** The standard fixture bundle with every item's popularity 0, as an import without --ratings writes it. */
    static Path withoutPopularity() {
        try {
            ModelBundle b = ModelBundle.open(TestBundles.standard());
            Path dir = Files.createTempDirectory("runtime-test-no-popularity").resolve("bundle");
            try (BundleWriter w = BundleWriter.create(dir, b.manifest().modelName(), b.manifest().modelVersion())) {
                copyTree(b.savedModelDir(), w.savedModelDir());
                w.writeUserInputs(b.userInputs());
                w.writeItems(b.items());
                w.writeItemPopularity(new FloatTable(b.items().ids(), 1, new float[b.items().rows()]));
                w.writeSeen(b.seen());
                w.writeTitles(b.titles());
                w.commit(b.manifest());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
