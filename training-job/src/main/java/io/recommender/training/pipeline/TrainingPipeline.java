package io.recommender.training.pipeline;

import io.recommender.bundle.BundleLayout;
import io.recommender.bundle.BundleWriter;
import io.recommender.bundle.Checksums;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.SeenItems;
import io.recommender.featurestore.Event;
import io.recommender.training.data.LiveEvents;
import io.recommender.training.data.MemoryBudget;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import io.recommender.training.data.SplitExporter;
import io.recommender.training.eval.Baselines;
import io.recommender.training.eval.Evaluation;
import io.recommender.training.eval.StableModelEvaluation;
import io.recommender.training.features.FeatureBuilder;
import io.recommender.training.features.Features;
import io.recommender.training.model.DeviceSelector;
import io.recommender.training.model.ScoreMatrix;
import io.recommender.training.model.TrainedModel;
import io.recommender.training.model.TrainingConfig;
import io.recommender.training.model.TwoTowerTrainer;
import io.recommender.training.model.UserTowerExporter;
import io.recommender.training.model.UserTowerVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** read -> split -> features -> baselines -> train -> evaluate -> export -> verify -> commit the bundle. */
public final class TrainingPipeline {
    public static final String MODEL_NAME = "recommender";
    /** Users scored in one matrix product at test time: 256 x 62,423 movies is 64 MB of scores. */
    static final int SCORE_CHUNK = 256;

    /**
     * @param exportSplit where to write the split as CSVs, or null
     * @param modelVersion the bundle's model version (TensorFlow Serving version folder)
     */
    /** @param liveEvents ratings from the feature store's events stream to learn from too, or null */
    public record Options(Path data, Path out, TrainingConfig config, double testFraction,
            double validationFraction, Path exportSplit, String modelName, long modelVersion, List<Event> liveEvents,
            Path stableBundle, StableModelEvaluation.Features stableFeatures) {
        public Options(Path data, Path out, TrainingConfig config, double testFraction, double validationFraction,
                Path exportSplit, String modelName, long modelVersion) {
            this(data, out, config, testFraction, validationFraction, exportSplit, modelName, modelVersion, null);
        }

        public Options(Path data, Path out, TrainingConfig config, double testFraction, double validationFraction,
                Path exportSplit, String modelName, long modelVersion, List<Event> liveEvents) {
            this(data, out, config, testFraction, validationFraction, exportSplit, modelName, modelVersion, liveEvents,
                    null, null);
        }
    }

    private final PrintStream log;

    public TrainingPipeline(PrintStream log) {
        this.log = log;
    }

    public TrainingResult run(Options o) throws IOException {
        long start = System.nanoTime();
        // Before reading anything: a GPU that is not there fails the run at once, saying why.
        DeviceSelector.Choice device = DeviceSelector.choose(o.config().device());
        log.println("device: " + device.description());
        // Before reading too: data too large for this container fails now, not by an OOM kill later.
        Path ratingsCsv = o.data().resolve(MovieLensReader.RATINGS);
        if (java.nio.file.Files.isRegularFile(ratingsCsv)) {
            MemoryBudget.of(ratingsCsv).check(Runtime.getRuntime().maxMemory(),
                    MemoryBudget.containerLimit(Path.of("/sys/fs/cgroup")));
        }
        Ratings ratings = MovieLensReader.read(o.data());
        String fingerprint = fingerprint(o.data());
        if (o.liveEvents() != null) {
            LiveEvents.Merge merged = LiveEvents.merge(ratings, o.liveEvents());
            log.printf(Locale.ROOT, "live events: %d read; %s%n", o.liveEvents().size(), merged.summary());
            ratings = merged.ratings();
            fingerprint = fingerprint + " + " + o.liveEvents().size() + " live events";
        }
        Split split = Split.of(ratings, o.testFraction(), o.validationFraction(), o.config().seed());
        log.printf(Locale.ROOT, "data: %d ratings, %d users, %d movies; split train %d / validation %d / test %d%n",
                ratings.size(), ratings.userCount(), ratings.itemCount(), split.train().length,
                split.validation().length, split.test().length);
        if (o.exportSplit() != null) {
            SplitExporter.export(ratings, split, o.exportSplit());
            log.println("split written to " + o.exportSplit());
        }

        Features features = FeatureBuilder.build(ratings, split.train(), o.config().history());
        Baselines baselines = Baselines.fit(ratings, split.train(), split.validation());
        Evaluation eval = new Evaluation(ratings, split);
        Manifest.Stable stable = null;
        if (o.stableBundle() != null) {
            // Before training: a stable version that cannot be scored fails the run at once, since it was asked to
            // compare with one (spec.quality.maxRegression).
            long scoring = System.nanoTime();
            stable = StableModelEvaluation.evaluate(o.stableBundle(), o.stableFeatures(), ratings, split, eval);
            log.printf(Locale.ROOT, "stable version %d on this split (%s features; %d of %d users answered with its"
                    + " most rated movies): recall@10 %.4f, NDCG@10 %.4f; scored in %.1f s%n", stable.modelVersion(),
                    stable.features(), stable.unknownUsers(), stable.users(), stable.recallAt10(), stable.ndcgAt10(),
                    (System.nanoTime() - scoring) / 1e9);
        }

        TwoTowerTrainer trainer = new TwoTowerTrainer(o.config(), device.spec());
        TrainedModel model = trainer.train(features, (float) baselines.globalMean(), examples(ratings, split.train()),
                examples(ratings, split.validation()), r -> log.printf(Locale.ROOT,
                        "epoch %3d  rating head: %s;  retrieval head: %s;  %.1f s (heads %.1f + %.1f s)%n", r.epoch(),
                        Double.isNaN(r.validationRmse()) ? "stopped" : String.format(Locale.ROOT,
                                "train loss %.4f, validation RMSE %.4f", r.trainLoss(), r.validationRmse()),
                        Double.isNaN(r.validationRecall()) ? "stopped" : String.format(Locale.ROOT,
                                "validation recall@10 %.4f", r.validationRecall()), r.seconds(), r.ratingSeconds(),
                        r.retrievalSeconds()));
        log.printf(Locale.ROOT, "device: %s; best epoch %d by validation recall@10 (retrieval head), %d by validation"
                + " RMSE (rating head), of %d%n", model.device(), model.bestEpoch(), model.bestRatingEpoch(),
                model.history().size());

        int[] test = split.test();
        float[] predicted = new float[test.length];
        for (int j = 0; j < test.length; j++) {
            predicted[j] = model.predict(ratings.user(test[j]), ratings.item(test[j]));
        }
        long evaluating = System.nanoTime();
        Evaluation.Ranking ranking;
        try (ScoreMatrix scores = new ScoreMatrix(model.userVectors(), model.itemVectors(), model.dimension())) {
            ranking = eval.ranking(scores, model.items(), SCORE_CHUNK);
        }
        log.printf(Locale.ROOT, "test ranking: %d users over all %d movies in %.1f s%n", ranking.users(),
                model.items(), (System.nanoTime() - evaluating) / 1e9);
        Baselines.Results base = baselines.evaluate(eval, ratings, test);
        log.printf(Locale.ROOT, "ranking metrics: mean over the %d users with a relevant test rating (>= %.1f); each"
                + " user's training movies excluded; recall@10 = relevant movies in the top 10 / the user's relevant test"
                + " movies%n", ranking.users(), io.recommender.training.eval.RankingMetrics.RELEVANT);
        Manifest.Metrics metrics = new Manifest.Metrics(eval.rmse(predicted), ranking.recallAt10(),
                ranking.ndcgAt10(), new Manifest.Baselines(base.globalMeanRmse(), base.userItemBiasRmse(),
                        base.mostPopularRecallAt10(), base.mostPopularNdcgAt10()), stable);

        Manifest manifest;
        try (BundleWriter writer = BundleWriter.create(o.out(), o.modelName(), o.modelVersion())) {
            UserTowerExporter.export(model, writer.savedModelDir());
            UserTowerVerifier.verify(writer.savedModelDir(), features.userRows(), features.userWidth(),
                    model.userVectors(), model.dimension());
            writeTables(writer, ratings, eval, features, model, baselines);
            manifest = writer.commit(new Manifest(BundleLayout.FORMAT_VERSION, o.modelName(), o.modelVersion(),
                    Instant.now().toString(), "trained", fingerprint,
                    new Manifest.Embedding(model.dimension(), features.userWidth(), BundleLayout.SIGNATURE,
                            BundleLayout.SIGNATURE_INPUT, BundleLayout.SIGNATURE_OUTPUT),
                    hyperParameters(o), metrics, counts(ratings, split), new TreeMap<>(),
                    userFeatures(features.userFeatures())));
        }
        return new TrainingResult(manifest, o.out(), model, (System.nanoTime() - start) / 1e9);
    }

    private static void writeTables(BundleWriter writer, Ratings ratings, Evaluation eval, Features features,
            TrainedModel model, Baselines baselines) throws IOException {
        int[] movieIds = new int[ratings.itemCount()];
        Map<Integer, String> titles = new LinkedHashMap<>();
        for (int i = 0; i < movieIds.length; i++) {
            movieIds[i] = ratings.movie(i).movieId();
            titles.put(movieIds[i], ratings.movie(i).title());
        }
        writer.writeUserInputs(new FloatTable(ratings.userIds().clone(), features.userWidth(), features.userRows()));
        writer.writeItems(new FloatTable(movieIds, model.dimension(), model.itemVectors()));
        writer.writeItemPopularity(new FloatTable(movieIds, 1, baselines.popularity()));
        int[][] seen = eval.trainItems();
        int[][] seenMovieIds = new int[seen.length][];
        for (int u = 0; u < seen.length; u++) {
            seenMovieIds[u] = java.util.Arrays.stream(seen[u]).map(i -> movieIds[i]).toArray();
        }
        writer.writeSeen(SeenItems.of(ratings.userIds(), seenMovieIds));
        writer.writeTitles(titles);
    }

    static TwoTowerTrainer.Examples examples(Ratings ratings, int[] rows) {
        int[] u = new int[rows.length];
        int[] i = new int[rows.length];
        float[] y = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            u[k] = ratings.user(rows[k]);
            i[k] = ratings.item(rows[k]);
            y[k] = ratings.rating(rows[k]);
        }
        return new TwoTowerTrainer.Examples(u, i, y);
    }

    /** The user feature transformation's parameters as the manifest stores them. */
    public static Manifest.UserFeatures userFeatures(io.recommender.featurestore.UserFeatures.Parameters p) {
        return new Manifest.UserFeatures(Manifest.UserFeatures.TRANSFORM, p.historyLength(), p.genreShrinkage(),
                p.globalMean(), p.columnMean(), p.columnStd(), p.oovIndex(), p.maxHistory());
    }

    private static Map<String, Object> hyperParameters(Options o) {
        Map<String, Object> h = new LinkedHashMap<>(o.config().asMap());
        h.put("testFraction", o.testFraction());
        h.put("validationFraction", o.validationFraction());
        return h;
    }

    private static Map<String, Long> counts(Ratings ratings, Split split) {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("users", (long) ratings.userCount());
        c.put("items", (long) ratings.itemCount());
        c.put("ratings", (long) ratings.size());
        c.put("trainRatings", (long) split.train().length);
        c.put("validationRatings", (long) split.validation().length);
        c.put("testRatings", (long) split.test().length);
        return c;
    }

    /** SHA-256 over the two input files, so a bundle says exactly which data it was trained on. */
    static String fingerprint(Path data) throws IOException {
        return Checksums.fingerprint(List.of(data.resolve(MovieLensReader.MOVIES), data.resolve(MovieLensReader.RATINGS)));
    }
}
