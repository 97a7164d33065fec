package io.recommender.e2e.publish;

import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What scripts/publish.sh wrote beside its overlay: images.env, NAME=REGISTRY/REPO@sha256:... a line. */
public final class PublishedImages {
    public static final String FILE = "images.env";

    private PublishedImages() {}

    /** The overlay directory as given, relative to the repository root (Maven runs the suite in e2e-tests/). */
    public static Path directory(String given) {
        return Repo.ROOT.resolve(given).normalize();
    }

    public static Map<String, String> read(Path install) throws IOException {
        Map<String, String> images = new LinkedHashMap<>();
        for (String line : Files.readAllLines(install.resolve(FILE))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                images.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return images;
    }
}
