package io.recommender.training.cli;

import io.recommender.bundle.BundleException;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.contracts.quality.QualityThresholds;
import io.recommender.training.packaging.ImagePackager;
import io.recommender.training.packaging.PackagingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Verify a model bundle, then build and push (Jib, no Docker daemon) the recommender image "
                + "(runtime base + bundle at " + ImagePackager.BUNDLE_DIR + ") and the TensorFlow Serving image "
                + "(base + SavedModel at " + ImagePackager.MODELS_DIR + "/<name>/<version>), tagged "
                + "<version>-recommender and <version>-tfserving. With quality thresholds, the bundle's held-out metrics "
                + "(and, for --max-regression, the stable version's on the same split) are checked first and nothing is pushed when one is missed. Exit codes: 0 pushed, 2 bad input, "
                + "3 registry problem, 4 quality thresholds missed.")
final class PackageCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "model bundle directory written by train or import")
    Path bundle;

    @Option(names = "--repository", required = true,
            description = "target repository without tag, e.g. 123.dkr.ecr.eu-west-1.amazonaws.com/recommenders/movies")
    String repository;

    @Option(names = "--runtime-base", required = true, description = "the recommender service image (without a bundle)")
    String runtimeBase;

    @Option(names = "--tfserving-base", required = true, description = "a tensorflow/serving image or a mirror of it")
    String tfServingBase;

    @Option(names = "--docker-config", description = "docker config JSON (a kubernetes.io/dockerconfigjson Secret's "
            + ".dockerconfigjson): credentials for pulling the bases and pushing")
    Path dockerConfig;

    @Option(names = "--insecure-registry", description = "allow plain http (loopback test registries)")
    boolean insecureRegistry;

    @Option(names = "--result-file", required = true, description = "where the result goes (PackagedModel JSON; on "
            + "failure a one-line reason); in a Kubernetes Job: /dev/termination-log")
    Path resultFile;

    @Option(names = "--cache-dir", description = "Jib's layer cache; default: <java.io.tmpdir>/jib-cache")
    Path cacheDir;

    @Option(names = "--push-attempts", defaultValue = "3",
            description = "attempts per image for transient registry errors (${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--retry-backoff-ms", defaultValue = "2000",
            description = "wait before the second attempt, doubled for each later one (${DEFAULT-VALUE})")
    long backoffMs;

    @Option(names = QualityThresholds.MIN_RECALL, description = "lowest acceptable held-out recall@10, 0..1")
    Double minRecallAt10;

    @Option(names = QualityThresholds.MIN_NDCG, description = "lowest acceptable held-out NDCG@10, 0..1")
    Double minNdcgAt10;

    @Option(names = QualityThresholds.MAX_RMSE, description = "highest acceptable held-out rating RMSE")
    Double maxRmse;

    @Option(names = QualityThresholds.MAX_REGRESSION, description = "how much worse than the stable version scored on "
            + "the same split (train --stable-bundle) recall@10 and NDCG@10 may be, as a fraction, 0..1; a bundle "
            + "without that comparison is refused")
    Double maxRegression;

    @Override
    public Integer call() throws Exception {
        QualityThresholds quality;
        try {
            quality = new QualityThresholds(minRecallAt10, minNdcgAt10, maxRmse, maxRegression);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            writeResult(resultFile, e.getMessage());
            return 2;
        }
        if (quality.any()) {
            Manifest.Metrics m;
            try {
                m = ModelBundle.readManifest(bundle).metrics();
            } catch (BundleException e) {
                System.err.println("error: " + e.getMessage());
                writeResult(resultFile, e.getMessage() + "; nothing pushed");
                return 2;
            }
            QualityThresholds.Verdict v = m == null ? quality.check(null, null, null)
                    : quality.check(m.rmse(), m.recallAt10(), m.ndcgAt10(), stable(m.stable()));
            if (!v.passed()) {
                String why = "the model misses spec.quality: " + v.message() + "; nothing pushed";
                System.err.println("error: " + why);
                writeResult(resultFile, why);
                return QualityThresholds.REFUSED_EXIT;
            }
            System.out.println("quality met: " + v.message());
        }
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("java.io.tmpdir"), "jib-cache");
        try {
            ImagePackager.Result r = new ImagePackager(System.out).pack(new ImagePackager.Options(bundle, repository,
                    runtimeBase, tfServingBase, dockerConfig, insecureRegistry, cache, attempts,
                    Duration.ofMillis(backoffMs)));
            String json = r.model().toJson();
            writeResult(resultFile, json);
            System.out.println(json);
            return 0;
        } catch (PackagingException e) {
            System.err.println("error: " + e.getMessage());
            writeResult(resultFile, e.getMessage());
            return e.kind().exitCode;
        } catch (RuntimeException e) {
            // A bug rather than bad input; the reason still goes where the operator looks (exit code 1).
            writeResult(resultFile, "packaging failed: " + e);
            throw e;
        }
    }

    static QualityThresholds.Stable stable(Manifest.Stable s) {
        return s == null ? null
                : new QualityThresholds.Stable(Long.toString(s.modelVersion()), s.recallAt10(), s.ndcgAt10());
    }

    /** Writes the result or a failure's one-line reason; a failure to do so is reported but not fatal. */
    static void writeResult(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, text.replace('\n', ' ') + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("error: cannot write --result-file " + file + ": " + e.getMessage());
        }
    }
}
