package io.recommender.e2e;

import java.nio.file.Path;

/** Paths in the repository; tests run with the module directory (e2e-tests/) as working directory. */
public final class Repo {
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    public static final Path EXAMPLES = ROOT.resolve("examples");
    public static final Path CRD = ROOT.resolve("crds/recommenders.recommender.io-v1.yml");

    private Repo() {}
}
