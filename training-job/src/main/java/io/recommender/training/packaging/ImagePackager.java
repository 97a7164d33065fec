package io.recommender.training.packaging;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import io.recommender.bundle.BundleException;
import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.bundle.PackagedModel;
import io.recommender.training.packaging.PackagingException.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * Builds and pushes the two images of one model version with Jib core, without a Docker daemon: the
 * recommender (runtime base + the verified bundle at {@value #BUNDLE_DIR}) and TensorFlow Serving (its base +
 * the SavedModel at {@code /models/<name>/<version>}, {@code MODEL_NAME} set). Each adds exactly one layer on
 * top of the unchanged base layers, so a new model version on the same bases uploads that layer, the config
 * and the manifest only. Builds are reproducible (fixed file times, Jib's sorted entries, the bundle's own
 * creation time), so a retried push of the same bundle yields the same digests and, as the registry already
 * holds them, pushes no manifest at all: immutable tags (ECR) stay untouched.
 */
public final class ImagePackager {
    /** Where runtime-image reads its bundle ({@code RECOMMENDER_BUNDLE_PATH}'s default). */
    public static final String BUNDLE_DIR = io.recommender.bundle.BundleLayout.IMAGE_DIR;
    /** TensorFlow Serving image's model base path: {@code /models/<MODEL_NAME>/<version>}. */
    public static final String MODELS_DIR = "/models";
    public static final String RECOMMENDER_TAG_SUFFIX = "-recommender";
    public static final String TFSERVING_TAG_SUFFIX = "-tfserving";
    /** The layer names, as Jib reports them in its progress; also what the tests look for. */
    public static final String BUNDLE_LAYER = "model bundle";
    public static final String SAVED_MODEL_LAYER = "saved model";

    /** Jib's own default for file times: one second after the epoch (some tools treat 0 as "unset"). */
    private static final Instant FILE_TIME = Instant.ofEpochSecond(1);
    private static final FilePermissions FILE_MODE = FilePermissions.fromOctalString("444");
    private static final FilePermissions DIR_MODE = FilePermissions.fromOctalString("555");
    /** A model name becomes a path segment in both images; nothing that could climb out of it. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * @param attempts pushes tried per image for transient registry errors (connection refused, 5xx), at
     *     least 1; authentication failures and missing base images are not retried
     * @param backoff wait before the second attempt, doubled before each later one
     */
    public record Options(Path bundle, String repository, String runtimeBase, String tfServingBase,
            Path dockerConfig, boolean insecureRegistry, Path cacheDir, int attempts, Duration backoff) {}

    /** One pushed image: {@code reference} is {@code REPO@sha256:...}, what everything downstream uses. */
    public record Pushed(String tag, String digest, String reference) {}

    public record Result(PackagedModel model, Pushed recommender, Pushed tfServing) {}

    private final PrintStream log;

    public ImagePackager(PrintStream log) {
        this.log = log;
    }

    public Result pack(Options o) throws PackagingException, InterruptedException {
        Manifest m = verify(o.bundle());
        ImageReference repository = repository(o.repository());
        ImageReference runtimeBase = image("--runtime-base", o.runtimeBase());
        ImageReference tfServingBase = image("--tfserving-base", o.tfServingBase());
        DockerConfig credentials = o.dockerConfig() == null ? null : DockerConfig.read(o.dockerConfig());
        if (o.attempts() < 1) {
            throw new PackagingException(Kind.BAD_INPUT, "--push-attempts must be at least 1");
        }
        if (o.insecureRegistry()) {
            // Jib refuses to send credentials over plain http unless told; --insecure-registry is that consent.
            System.setProperty("sendCredentialsOverHttp", "true");
        }
        // A retried Job pushes the same digests again; ECR's immutable tags refuse even an identical manifest under
        // an existing tag, so Jib must skip an image whose manifest digest the repository already holds.
        System.setProperty("jib.skipExistingImages", "true");
        Push push = new Push(o, credentials);
        Instant created = creationTime(m);

        String recommenderTag = m.modelVersion() + RECOMMENDER_TAG_SUFFIX;
        JibContainerBuilder recommender = Jib.from(push.base(runtimeBase))
                .addFileEntriesLayer(bundleLayer(o.bundle(), m))
                .addLabel("io.recommender.model-name", m.modelName())
                .addLabel("io.recommender.model-version", Long.toString(m.modelVersion()));
        Pushed recommenderImage = push.to(recommender, created, repository, o.repository(), recommenderTag,
                runtimeBase);

        String tfServingTag = m.modelVersion() + TFSERVING_TAG_SUFFIX;
        JibContainerBuilder tfServing = Jib.from(push.base(tfServingBase))
                .addFileEntriesLayer(savedModelLayer(o.bundle(), m))
                .addEnvironmentVariable("MODEL_NAME", m.modelName())
                .addLabel("io.recommender.model-name", m.modelName())
                .addLabel("io.recommender.model-version", Long.toString(m.modelVersion()));
        Pushed tfServingImage = push.to(tfServing, created, repository, o.repository(), tfServingTag, tfServingBase);

        Manifest.Metrics x = m.metrics();
        PackagedModel model = new PackagedModel(m.modelName(), m.modelVersion(), recommenderImage.reference(),
                tfServingImage.reference(), x == null ? null : x.rmse(), x == null ? null : x.recallAt10(),
                x == null ? null : x.ndcgAt10(), x == null ? null : x.stable());
        return new Result(model, recommenderImage, tfServingImage);
    }

    /** model-bundle's verifying reader (format, every checksum, table shapes) before anything is pushed. */
    static Manifest verify(Path bundle) throws PackagingException {
        if (bundle == null) {
            throw new PackagingException(Kind.BAD_INPUT, "--bundle is required");
        }
        Manifest m;
        try {
            m = ModelBundle.open(bundle).manifest();
        } catch (BundleException e) {
            throw new PackagingException(Kind.BAD_INPUT, "bundle refused, nothing pushed: " + e.getMessage());
        }
        if (!MODEL_NAME.matcher(m.modelName()).matches()) {
            throw new PackagingException(Kind.BAD_INPUT, bundle + ": model name '" + m.modelName()
                    + "' cannot be an image path segment (letters, digits, '.', '_', '-')");
        }
        return m;
    }

    /** The bundle exactly as the manifest lists it (and the manifest), read-only for any user, e.g. uid 65532. */
    static FileEntriesLayer bundleLayer(Path bundle, Manifest m) {
        AbsoluteUnixPath root = AbsoluteUnixPath.get(BUNDLE_DIR);
        FileEntriesLayer.Builder layer = directories(FileEntriesLayer.builder().setName(BUNDLE_LAYER), bundle, root,
                m.files().keySet());
        layer.addEntry(bundle.resolve(BundleLayout.MANIFEST), root.resolve(BundleLayout.MANIFEST), FILE_MODE,
                FILE_TIME);
        for (String file : m.files().keySet()) {
            layer.addEntry(bundle.resolve(file), root.resolve(file), FILE_MODE, FILE_TIME);
        }
        return layer.build();
    }

    /** The bundle's SavedModel files at {@code /models/<name>/<version>/}, the layout TensorFlow Serving scans. */
    static FileEntriesLayer savedModelLayer(Path bundle, Manifest m) {
        String prefix = BundleLayout.SAVED_MODEL_ROOT + "/" + m.modelName() + "/" + m.modelVersion() + "/";
        AbsoluteUnixPath root = AbsoluteUnixPath.get(MODELS_DIR).resolve(m.modelName())
                .resolve(Long.toString(m.modelVersion()));
        List<String> files = m.files().keySet().stream().filter(f -> f.startsWith(prefix))
                .map(f -> f.substring(prefix.length())).toList();
        FileEntriesLayer.Builder layer = directories(FileEntriesLayer.builder().setName(SAVED_MODEL_LAYER), bundle,
                root, files);
        for (String file : files) {
            layer.addEntry(bundle.resolve(prefix + file), root.resolve(file), FILE_MODE, FILE_TIME);
        }
        return layer.build();
    }

    /**
     * Directory entries for {@code root} and every folder under it, with our fixed mode and time. They must come
     * before the files: Jib adds a file's missing parents itself (0755) and keeps the first entry for a path.
     */
    private static FileEntriesLayer.Builder directories(FileEntriesLayer.Builder layer, Path bundle,
            AbsoluteUnixPath root, Collection<String> files) {
        SortedSet<String> dirs = new TreeSet<>();
        for (String f : files) {
            for (int i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) {
                dirs.add(f.substring(0, i));
            }
        }
        // Jib needs a source path for a directory entry; only its type is used, mode and time are ours.
        layer.addEntry(bundle, root, DIR_MODE, FILE_TIME);
        for (String d : dirs) {
            layer.addEntry(bundle, root.resolve(d), DIR_MODE, FILE_TIME);
        }
        return layer;
    }

    /** The bundle's own creation time: fixed per bundle (same digest on a retry), and meaningful when inspected. */
    private static Instant creationTime(Manifest m) {
        try {
            return m.createdAt() == null ? Instant.EPOCH : Instant.parse(m.createdAt());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    static ImageReference repository(String repository) throws PackagingException {
        if (repository == null) {
            throw new PackagingException(Kind.BAD_INPUT, "--repository is required");
        }
        String last = repository.substring(repository.lastIndexOf('/') + 1);
        if (repository.contains("@") || last.contains(":")) {
            throw new PackagingException(Kind.BAD_INPUT, "--repository " + repository
                    + ": give the repository without a tag or digest; tags are <modelVersion>" + RECOMMENDER_TAG_SUFFIX
                    + " and <modelVersion>" + TFSERVING_TAG_SUFFIX);
        }
        return image("--repository", repository);
    }

    static ImageReference image(String option, String reference) throws PackagingException {
        if (reference == null) {
            throw new PackagingException(Kind.BAD_INPUT, option + " is required");
        }
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            throw new PackagingException(Kind.BAD_INPUT, option + " " + reference + ": not a valid image reference");
        }
    }

    /** Jib settings shared by both images: credentials, cache, http consent, retries, log forwarding. */
    private final class Push {
        private final Options o;
        private final DockerConfig credentials;

        Push(Options o, DockerConfig credentials) {
            this.o = o;
            this.credentials = credentials;
        }

        RegistryImage base(ImageReference ref) {
            return withCredentials(RegistryImage.named(ref), ref);
        }

        private RegistryImage withCredentials(RegistryImage image, ImageReference ref) {
            if (o.dockerConfig() != null) {
                // Jib's own reader of docker's config.json (auths.<registry>.auth), the format of a
                // kubernetes.io/dockerconfigjson Secret's .dockerconfigjson.
                image.addCredentialRetriever(CredentialRetrieverFactory.forImage(ref, this::jibLog)
                        .dockerConfig(o.dockerConfig()));
            }
            return image;
        }

        Pushed to(JibContainerBuilder builder, Instant created, ImageReference repository, String repositoryText,
                String tag, ImageReference base) throws PackagingException, InterruptedException {
            ImageReference target = ImageReference.of(repository.getRegistry(), repository.getRepository(), tag);
            builder.setCreationTime(created).setFormat(ImageFormat.OCI);
            for (int attempt = 1; ; attempt++) {
                Containerizer containerizer = Containerizer.to(withCredentials(RegistryImage.named(target), target))
                        .setAllowInsecureRegistries(o.insecureRegistry())
                        .setBaseImageLayersCache(o.cacheDir().resolve("base"))
                        .setApplicationLayersCache(o.cacheDir().resolve("application"))
                        .setToolName("training-job package")
                        .addEventHandler(LogEvent.class, this::jibLog);
                try {
                    long start = System.nanoTime();
                    JibContainer pushed = builder.containerize(containerizer);
                    String digest = pushed.getDigest().toString();
                    log.printf(Locale.ROOT, "%s %s:%s = %s@%s (%.1f s)%n",
                            pushed.isImagePushed() ? "pushed" : "already in the registry:", repositoryText, tag,
                            repositoryText, digest, (System.nanoTime() - start) / 1e9);
                    return new Pushed(tag, digest, repositoryText + "@" + digest);
                } catch (ExecutionException | RegistryException | IOException | CacheDirectoryCreationException e) {
                    RegistryFailure failure = RegistryFailure.of(e, target, base);
                    String reason = credentials == null ? failure.reason() : credentials.redact(failure.reason());
                    if (!failure.transientFailure() || attempt >= o.attempts()) {
                        throw new PackagingException(Kind.REGISTRY, reason
                                + (attempt > 1 ? " (after " + attempt + " attempts)" : ""));
                    }
                    Duration wait = o.backoff().multipliedBy(1L << Math.min(attempt - 1, 10));
                    log.printf("push of %s failed (attempt %d of %d), retrying in %d ms: %s%n", target, attempt,
                            o.attempts(), wait.toMillis(), reason);
                    Thread.sleep(wait.toMillis());
                }
            }
        }

        private void jibLog(LogEvent e) {
            if (e.getMessage().isBlank()) {
                return;
            }
            switch (e.getLevel()) {
                case ERROR, WARN, LIFECYCLE -> log.println("jib: " + (credentials == null ? e.getMessage()
                        : credentials.redact(e.getMessage())));
                default -> { }
            }
        }
    }

    /** Checked before the first push, so a missing or malformed file is bad input rather than a registry error. */
    static void requireReadable(Path file, String option) throws PackagingException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new PackagingException(Kind.BAD_INPUT, option + " " + file + ": not a readable file");
        }
    }
}
