package io.recommender.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Copies a model bundle, verified, out of a recommender image: the training Job's init container runs it from the
 * stable version's own image (whose classpath holds this module, and which has no shell) so that the training step
 * can evaluate the serving model on the candidate's split. Only the files the manifest lists are copied, then the
 * copy is verified again, so a bundle that arrives is whole.
 */
public final class BundleCopy {
    private BundleCopy() {}

    /** Copies the verified bundle {@code from} to the directory {@code to} (created; must not hold a bundle). */
    public static ModelBundle copy(Path from, Path to) throws IOException {
        Manifest m = ModelBundle.open(from).manifest();
        if (Files.exists(to.resolve(BundleLayout.MANIFEST))) {
            throw new BundleException(to + " already holds a bundle");
        }
        Files.createDirectories(to);
        for (Map.Entry<String, String> f : m.files().entrySet()) {
            Path source = from.resolve(f.getKey()).normalize();
            Path target = to.resolve(f.getKey()).normalize();
            if (!source.startsWith(from.normalize()) || !target.startsWith(to.normalize())) {
                throw new BundleException(from + ": the manifest lists a file outside the bundle: " + f.getKey());
            }
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // The manifest last: a reader that finds it finds every file it lists.
        Files.copy(from.resolve(BundleLayout.MANIFEST), to.resolve(BundleLayout.MANIFEST));
        return ModelBundle.open(to);
    }

    /** {@code BundleCopy <bundle-dir> <out-dir>}. Exit 0 copied; 1 the bundle is unreadable or invalid; 2 usage. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BundleCopy <bundle-dir> <out-dir>");
            System.exit(2);
            return;
        }
        try {
            ModelBundle copied = copy(Path.of(args[0]), Path.of(args[1]));
            System.out.println("copied model " + copied.manifest().modelName() + " version "
                    + copied.manifest().modelVersion() + " from " + args[0] + " to " + args[1]);
        } catch (IOException | BundleException e) {
            System.err.println("cannot copy the model bundle: " + e.getMessage());
            System.exit(1);
        }
    }
}
