package io.recommender.testsupport;

import java.nio.file.Path;

/** Paths in the repository; tests run with their module's directory as working directory. */
public final class Repo {
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    public static final Path EXAMPLES = ROOT.resolve("examples");
    public static final String CRD_NAME = "recommenders.recommender.io";
    /** The committed CRD, generated from recommender-api's types: what users install. */
    public static final Path CRD = ROOT.resolve("crds/" + CRD_NAME + "-v1.yml");

    private Repo() {}
}
