package io.recommender.training.cli;

import io.recommender.bundle.Manifest;
import io.recommender.bundle.PackagedModel;
import io.recommender.training.data.DatasetSource;
import io.recommender.training.data.ResolvedDataset;
import io.recommender.training.model.Device;
import io.recommender.training.model.TrainedModel;
import io.recommender.training.model.TrainingConfig;
import io.recommender.training.pipeline.TrainingPipeline;
import io.recommender.training.eval.StableModelEvaluation;
import io.recommender.training.pipeline.TrainingResult;
import io.recommender.training.eval.RankingMetrics;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.featurestore.KeyLayout;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserStateStore;
import io.recommender.featurestore.UserStates;
import java.time.Duration;
import java.util.List;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train on MovieLens data (movies.csv, ratings.csv), evaluate on a held-out split, "
                + "and write a model bundle.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "MovieLens data (movies.csv, ratings.csv): a directory, "
            + "bundled:<name> ($RECOMMENDER_DATASETS/<name>), an http(s):// URL of a zip or of the folder holding the "
            + "two CSVs, or s3://bucket/prefix (the two CSVs under it, or a .zip key)")
    String data;

    @Option(names = "--download-dir", defaultValue = "${sys:java.io.tmpdir}", description = "where an http(s):// or "
            + "s3:// dataset is downloaded to, in a folder deleted after the run (${DEFAULT-VALUE})")
    Path downloadDir;

    @Option(names = "--out", required = true, description = "bundle directory to write (replaced atomically)")
    Path out;

    @Option(names = "--epochs", defaultValue = "" + TrainingConfig.DEFAULT_EPOCHS, description = "most epochs; each"
            + " head stops sooner once its validation figure has not improved for its patience (${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--embedding-size", defaultValue = "" + TrainingConfig.DEFAULT_EMBEDDING_SIZE, description = "size"
            + " of the retrieval towers' vectors (the served user embedding is one wider) (${DEFAULT-VALUE})")
    int embeddingSize;

    @Option(names = "--history", defaultValue = "" + TrainingConfig.DEFAULT_HISTORY, description = "the user's"
            + " highest-rated training movies in each user row, the retrieval user tower's input (0: none; the tower"
            + " then has a per-user embedding) (${DEFAULT-VALUE})")
    int history;

    @Option(names = "--retrieval-batch-size", defaultValue = "" + TrainingConfig.DEFAULT_RETRIEVAL_BATCH_SIZE,
            description = "users per step of the retrieval head (${DEFAULT-VALUE})")
    int retrievalBatchSize;

    @Option(names = "--retrieval-learning-rate", defaultValue = "" + TrainingConfig.DEFAULT_RETRIEVAL_LEARNING_RATE,
            description = "Adam learning rate of the retrieval head (${DEFAULT-VALUE})")
    float retrievalLearningRate;

    @Option(names = "--retrieval-l2", defaultValue = "" + TrainingConfig.DEFAULT_RETRIEVAL_L2, description = "L2"
            + " weight on the retrieval head's embedding tables (${DEFAULT-VALUE})")
    float retrievalL2;

    @Option(names = "--history-dropout", defaultValue = "" + TrainingConfig.DEFAULT_HISTORY_DROPOUT, description =
            "share of history movies dropped at random from each training user's input (${DEFAULT-VALUE})")
    float historyDropout;

    @Option(names = "--target-power", defaultValue = "" + TrainingConfig.DEFAULT_TARGET_POWER, description = "a"
            + " rated movie weighs (rating / 5)^p in the retrieval loss (${DEFAULT-VALUE})")
    float targetPower;

    @Option(names = "--retrieval-patience", defaultValue = "" + TrainingConfig.DEFAULT_RETRIEVAL_PATIENCE,
            description = "epochs without a better validation recall@10 before the retrieval head stops"
            + " (${DEFAULT-VALUE})")
    int retrievalPatience;

    @Option(names = "--retrieval-average", defaultValue = "" + TrainingConfig.DEFAULT_RETRIEVAL_AVERAGE, description =
            "decay of the moving average of the retrieval head's parameters, which is what is evaluated and kept (0:"
            + " the parameters themselves) (${DEFAULT-VALUE})")
    float retrievalAverage;

    @Option(names = "--rating-average", defaultValue = "" + TrainingConfig.DEFAULT_RATING_AVERAGE, description = "the"
            + " same for the rating head (${DEFAULT-VALUE})")
    float ratingAverage;

    @Option(names = "--batch-size", defaultValue = "" + TrainingConfig.DEFAULT_BATCH_SIZE, description = "ratings per"
            + " step of the rating head (${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "" + TrainingConfig.DEFAULT_LEARNING_RATE, description = "Adam"
            + " learning rate of the rating head (${DEFAULT-VALUE})")
    float learningRate;

    @Option(names = "--rating-embedding-size", defaultValue = "" + TrainingConfig.DEFAULT_RATING_EMBEDDING_SIZE,
            description = "ID embedding and output size of the rating head's towers (${DEFAULT-VALUE})")
    int ratingEmbeddingSize;

    @Option(names = "--hidden", defaultValue = "256,128", split = ",", description = "ReLU layer widths of each rating"
            + " tower (${DEFAULT-VALUE})")
    int[] hidden;

    @Option(names = "--l2", defaultValue = "" + TrainingConfig.DEFAULT_L2, description = "L2 weight on the rating"
            + " head's batch ID embeddings (${DEFAULT-VALUE})")
    float l2;

    @Option(names = "--patience", defaultValue = "" + TrainingConfig.DEFAULT_PATIENCE, description = "epochs without a"
            + " better validation RMSE before the rating head stops (${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the split, initial weights and batch order (${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "share of each user's ratings for early stopping (${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "share of each user's ratings held out for evaluation (${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto (${DEFAULT-VALUE})")
    Device device;

    @Option(names = "--export-split", description = "also write the split as train/validation/test CSVs here")
    Path exportSplit;

    @Option(names = "--model-name", defaultValue = TrainingPipeline.MODEL_NAME, description = "TensorFlow Serving model name (${DEFAULT-VALUE})")
    String modelName;

    @Option(names = "--model-version", description = "positive model version; default: the UTC time as yyyyMMddHHmmss")
    Long modelVersion;

    @Option(names = "--result-file", description = "also write the result for the operator here (JSON; in a Kubernetes "
            + "Job: /dev/termination-log)")
    Path resultFile;

    @Option(names = "--live-events-redis", description = "also learn from the ratings in this feature store's events "
            + "stream (redis://host:port or rediss://...; the password from $" + MaterializeCommand.PASSWORD_ENV
            + "), merged into the data as the store replays them")
    String liveEventsRedis;

    @Option(names = "--live-events-prefix", defaultValue = KeyLayout.DEFAULT_PREFIX, description = "the feature "
            + "store's key prefix (${DEFAULT-VALUE})")
    String liveEventsPrefix;

    @Option(names = "--live-events-max", defaultValue = "5000000", description = "most events read from the stream "
            + "(${DEFAULT-VALUE})")
    int liveEventsMax;

    @Option(names = "--stable-bundle", description = "the serving version's model bundle: it is scored on this run's"
            + " held-out split too, as its service would answer, so the package step can compare the two"
            + " (--max-regression)")
    Path stableBundle;

    @Option(names = "--stable-features", defaultValue = "bundle", description = "which answers of the stable version"
            + " to score: bundle (its stored user rows) or live (its user tower on the feature store's state, here this"
            + " split's training ratings) (${DEFAULT-VALUE})")
    StableModelEvaluation.Features stableFeatures;

    @Option(names = "--sample-user", description = "user id whose recommendations are printed; default: the first user")
    Integer sampleUser;

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        TrainingConfig config = new TrainingConfig(epochs, batchSize, learningRate, ratingEmbeddingSize, hidden, l2,
                patience, seed, device, history, embeddingSize, retrievalBatchSize, retrievalLearningRate, retrievalL2,
                historyDropout, targetPower, retrievalPatience, retrievalAverage, ratingAverage);
        long version = modelVersion != null ? modelVersion
                : Long.parseLong(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")));
        List<Event> live = liveEventsRedis == null ? null : readLiveEvents(o);
        TrainingResult result;
        try (ResolvedDataset dataset = DatasetSource.standard(o).resolve(data, downloadDir)) {
            result = new TrainingPipeline(o).run(new TrainingPipeline.Options(dataset.directory(), out, config,
                    testFraction, validationFraction, exportSplit, modelName, version, live, stableBundle,
                    stableFeatures));
        }
        printReport(o, result, sampleUser);
        if (resultFile != null) {
            Manifest.Metrics x = result.manifest().metrics();
            // Images are added by the packaging step; the operator needs them before it can deploy.
            java.nio.file.Files.writeString(resultFile, new PackagedModel(result.manifest().modelName(),
                    result.manifest().modelVersion(), null, null, x.rmse(), x.recallAt10(), x.ndcgAt10(), x.stable())
                    .toJson());
        }
        return 0;
    }

    /** The events stream's ratings; a store that cannot be read fails the run (it was asked to learn from them). */
    private List<Event> readLiveEvents(PrintStream o) {
        String password = System.getenv(MaterializeCommand.PASSWORD_ENV);
        RedisSettings settings = new RedisSettings(liveEventsRedis, liveEventsPrefix, Duration.ofSeconds(10),
                Duration.ofSeconds(10), UserStates.DEFAULT_MAX_HISTORY, RedisSettings.DEFAULT_STREAM_MAX_LEN,
                password == null || password.isEmpty() ? null : password);
        try (LettuceUserStateStore store = LettuceUserStateStore.connect(settings)) {
            UserStateStore.StreamedEvents read = store.readEvents(liveEventsMax);
            o.printf(Locale.ROOT, "live events: %d ratings read from %s%s%n", read.events().size(),
                    store.keys().stream(), read.malformed() == 0 ? "" : " (" + read.malformed()
                            + " entries that are not ratings skipped)");
            return read.events();
        } catch (FeatureStoreException e) {
            throw new IllegalStateException("cannot read the live events from " + settings.safeUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    static void printReport(PrintStream o, TrainingResult result, Integer sampleUser) {
        Manifest m = result.manifest();
        Manifest.Metrics x = m.metrics();
        Manifest.Baselines b = x.baselines();
        o.println();
        o.println("held-out test metrics          model   global mean   user+item bias   most popular");
        o.printf(Locale.ROOT, "RMSE                         %7.4f   %11.4f   %14.4f   %12s%n", x.rmse(),
                b.globalMeanRmse(), b.userItemBiasRmse(), "-");
        o.printf(Locale.ROOT, "recall@10                    %7.4f   %11s   %14s   %12.4f%n", x.recallAt10(), "-", "-",
                b.mostPopularRecallAt10());
        o.printf(Locale.ROOT, "NDCG@10                      %7.4f   %11s   %14s   %12.4f%n", x.ndcgAt10(), "-", "-",
                b.mostPopularNdcgAt10());
        if (x.stable() != null) {
            Manifest.Stable st = x.stable();
            o.printf(Locale.ROOT, "stable version %d on the same split (%s features): recall@10 %.4f, NDCG@10 %.4f%n",
                    st.modelVersion(), st.features(), st.recallAt10(), st.ndcgAt10());
        }
        o.println();
        printSample(o, result, sampleUser);
        o.printf(Locale.ROOT, "%nbundle: %s (model %s version %d), %.1f s, peak heap %d MiB%n", result.bundle(),
                m.modelName(), m.modelVersion(), result.seconds(), peakHeapBytes() >> 20);
    }

    /** Peak Java heap in use so far (TensorFlow's native memory is not Java heap and is not included). */
    static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
    }

    private static void printSample(PrintStream o, TrainingResult result, Integer sampleUser) {
        ModelBundle bundle = ModelBundle.open(result.bundle());
        TrainedModel model = result.model();
        int[] userIds = bundle.userInputs().ids();
        int user = sampleUser == null ? 0 : Arrays.binarySearch(userIds, sampleUser);
        if (user < 0) {
            o.printf("no sample: user %d is not in the data%n", sampleUser);
            return;
        }
        int[] movieIds = bundle.items().ids();
        int[] seenMovies = bundle.seen().seenBy(userIds[user]);
        int[] seenIdx = Arrays.stream(seenMovies).map(id -> Arrays.binarySearch(movieIds, id)).sorted().toArray();
        float[] scores = model.scores(user);
        o.printf("top 10 for user %d (%d rated in training):%n", userIds[user], seenMovies.length);
        for (int i : RankingMetrics.topK(scores, seenIdx, 10)) {
            o.printf(Locale.ROOT, "  %5.2f  %s%n", scores[i], bundle.titles().get(movieIds[i]));
        }
    }
}
