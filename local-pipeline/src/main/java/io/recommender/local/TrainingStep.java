package io.recommender.local;

import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.Checksums;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The model the local run serves: a bundle trained here from the Recommender's training spec, the bundle from
 * the last run when it was trained from the same data with the same settings, or a bundle the user names.
 */
final class TrainingStep {
    /** Training on ml-latest-small takes well under a minute; this only bounds a run gone wrong. */
    static final long TIMEOUT_SECONDS = 1800;
    private static final String MOVIES = "movies.csv";
    private static final String RATINGS = "ratings.csv";

    private TrainingStep() {}

    record LocalModel(ModelBundle bundle, boolean reused) {
        Manifest manifest() {
            return bundle.manifest();
        }
    }

    static LocalModel prepare(Recommender r, ProjectLayout layout, Path out, Path givenBundle, boolean retrain,
            PrintStream console) throws IOException, InterruptedException {
        if (givenBundle != null) {
            return new LocalModel(open(givenBundle), true);
        }
        Path bundleDir = out.resolve("bundle");
        TrainingSpec training = r.getSpec().model().training();
        if (training == null) {
            // An artifact names images, which need a cluster; locally the last trained bundle stands in for it.
            if (Files.isRegularFile(bundleDir.resolve("manifest.json"))) {
                console.println("model: spec.model.artifact names images; serving the local bundle " + bundleDir);
                return new LocalModel(open(bundleDir), true);
            }
            throw new LocalPipelineException("spec.model.artifact names images, which only a cluster can run; "
                    + "train a bundle first (run this with a Recommender that has spec.model.training) or pass --bundle");
        }
        Path data = dataset(training.dataset(), layout);
        String fingerprint = Checksums.fingerprint(List.of(data.resolve(MOVIES), data.resolve(RATINGS)));
        if (!retrain) {
            String mismatch = reuseMismatch(bundleDir, training, fingerprint);
            if (mismatch == null) {
                console.println("model: reusing " + bundleDir + " (same data and training settings; --retrain to train again)");
                return new LocalModel(open(bundleDir), true);
            }
            console.println("model: training (" + mismatch + ")");
        }
        List<String> command = new ArrayList<>(List.of(ProjectLayout.java(), "-jar", layout.trainingJar().toString(),
                "train", "--data", data.toString(), "--out", bundleDir.toString(),
                "--epochs", Integer.toString(orDefault(training.epochs(), TrainingSpec.DEFAULT_EPOCHS)),
                "--embedding-size",
                Integer.toString(orDefault(training.embeddingSize(), TrainingSpec.DEFAULT_EMBEDDING_SIZE)),
                "--seed", Long.toString(training.seed() == null ? 42 : training.seed())));
        if (orDefault(training.gpus(), 0) > 0) {
            console.println("model: the spec asks for GPUs; training uses one here if TensorFlow sees it, else the CPU");
            command.addAll(List.of("--device", "auto"));
        } else {
            command.addAll(List.of("--device", "cpu"));
        }
        try (ChildProcess train = ChildProcess.start("training", command, Map.of(), null)) {
            int exit = train.waitFor(TIMEOUT_SECONDS);
            if (exit != 0) {
                throw new LocalPipelineException("training failed (exit " + exit + "); its output is above");
            }
        }
        return new LocalModel(open(bundleDir), false);
    }

    /** Why the bundle at {@code dir} cannot be reused, or null when it can. */
    static String reuseMismatch(Path dir, TrainingSpec training, String fingerprint) {
        Manifest m;
        try {
            m = ModelBundle.readManifest(dir);
        } catch (BundleException e) {
            return "no earlier bundle in " + dir;
        }
        Map<String, Object> h = m.hyperParameters() == null ? Map.of() : m.hyperParameters();
        if (!"trained".equals(m.source()) || !fingerprint.equals(m.dataFingerprint())) {
            return "the earlier bundle was made from other data";
        }
        if (!sameNumber(h.get("epochs"), orDefault(training.epochs(), TrainingSpec.DEFAULT_EPOCHS))
                || !sameNumber(h.get("embeddingSize"),
                        orDefault(training.embeddingSize(), TrainingSpec.DEFAULT_EMBEDDING_SIZE))
                || !sameNumber(h.get("seed"), training.seed() == null ? 42 : training.seed())) {
            return "the earlier bundle was trained with other settings";
        }
        return null;
    }

    private static boolean sameNumber(Object recorded, long wanted) {
        return recorded instanceof Number n && n.longValue() == wanted;
    }

    static Path dataset(String dataset, ProjectLayout layout) {
        Path dir;
        if (dataset.startsWith("bundled:")) {
            dir = layout.bundledDataset(dataset.substring("bundled:".length()));
        } else if (dataset.startsWith("/")) {
            dir = Path.of(dataset);
        } else {
            throw new LocalPipelineException("dataset " + dataset + " is not on this machine; download it and put "
                    + "its absolute path in spec.model.training.dataset, or use bundled:ml-latest-small");
        }
        for (String file : List.of(MOVIES, RATINGS)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new LocalPipelineException("dataset " + dataset + ": no " + dir.resolve(file));
            }
        }
        return dir;
    }

    private static ModelBundle open(Path dir) {
        try {
            return ModelBundle.open(dir);
        } catch (BundleException e) {
            throw new LocalPipelineException("model bundle " + dir + " is not usable: " + e.getMessage(), e);
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return Objects.requireNonNullElse(value, fallback);
    }
}
