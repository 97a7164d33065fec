package io.recommender.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.bundle.BundleException;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.PackagedModel;
import io.recommender.training.TrainedBundle;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import io.recommender.training.model.Device;
import io.recommender.training.model.TrainingConfig;
import io.recommender.training.pipeline.TrainingPipeline;
import io.recommender.training.pipeline.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real trained bundle scored as the stable version on real splits of ml-latest-small. */
class StableModelEvaluationTest {
    static Ratings ratings;
    static Split split;
    static Evaluation eval;
    static TrainingResult trained;

    @BeforeAll
    static void data() throws IOException {
        trained = TrainedBundle.get();
        ratings = MovieLensReader.read(TrainedBundle.DATA);
        split = Split.of(ratings, 0.2, 0.1, TrainedBundle.CONFIG.seed());
        eval = new Evaluation(ratings, split);
    }

    @Test
    void aBundleScoredOnItsOwnSplitGivesItsOwnFigures() {
        Manifest.Metrics own = trained.manifest().metrics();

        Manifest.Stable stable = StableModelEvaluation.evaluate(trained.bundle(), StableModelEvaluation.Features.BUNDLE,
                ratings, split, eval);

        assertThat(stable.modelVersion()).isEqualTo(trained.manifest().modelVersion());
        assertThat(stable.features()).isEqualTo("bundle");
        assertThat(stable.unknownUsers()).isZero();
        assertThat(stable.users()).isEqualTo(eval.ranking(u -> new float[ratings.itemCount()]).users());
        // The tower run by TensorFlow against the trainer's own vectors: only near-ties may order differently.
        assertThat(stable.recallAt10()).isCloseTo(own.recallAt10(), org.assertj.core.data.Offset.offset(0.002));
        assertThat(stable.ndcgAt10()).isCloseTo(own.ndcgAt10(), org.assertj.core.data.Offset.offset(0.002));
    }

    @Test
    void liveFeaturesReplayedFromTheSplitAnswerAsTheStoredRows() {
        Manifest.Stable fromBundle = StableModelEvaluation.evaluate(trained.bundle(),
                StableModelEvaluation.Features.BUNDLE, ratings, split, eval);

        Manifest.Stable live = StableModelEvaluation.evaluate(trained.bundle(), StableModelEvaluation.Features.LIVE,
                ratings, split, eval);

        // Replaying the training ratings gives bit-for-bit the stored rows, and the state holds every rated movie.
        assertThat(live.features()).isEqualTo("live");
        assertThat(live.recallAt10()).isEqualTo(fromBundle.recallAt10());
        assertThat(live.ndcgAt10()).isEqualTo(fromBundle.ndcgAt10());
    }

    @Test
    void usersTheStableVersionNeverSawGetItsMostRatedMovies(@TempDir Path dir) throws IOException {
        // The stable version was trained before users 601-610 arrived.
        Path older = dir.resolve("older-data");
        Files.createDirectories(older);
        Files.copy(TrainedBundle.DATA.resolve("movies.csv"), older.resolve("movies.csv"));
        List<String> lines = Files.readAllLines(TrainedBundle.DATA.resolve("ratings.csv"));
        Files.write(older.resolve("ratings.csv"), lines.stream()
                .filter(l -> l.startsWith("userId") || Integer.parseInt(l.substring(0, l.indexOf(','))) <= 600)
                .collect(Collectors.toList()));
        TrainingConfig oneEpoch = TrainingConfig.defaults(1, 32, 42, Device.CPU);
        TrainingResult old = new TrainingPipeline(new PrintStream(System.out, true)).run(new TrainingPipeline.Options(
                older, dir.resolve("old-bundle"), oneEpoch, 0.2, 0.1, null, "recommender", 7));
        long newcomers = java.util.stream.IntStream.range(0, ratings.userCount())
                .filter(u -> ratings.userId(u) > 600)
                .filter(u -> java.util.Arrays.stream(split.test())
                        .anyMatch(r -> ratings.user(r) == u && ratings.rating(r) >= RankingMetrics.RELEVANT))
                .count();

        Manifest.Stable fromBundle = StableModelEvaluation.evaluate(old.bundle(), StableModelEvaluation.Features.BUNDLE,
                ratings, split, eval);
        Manifest.Stable live = StableModelEvaluation.evaluate(old.bundle(), StableModelEvaluation.Features.LIVE,
                ratings, split, eval);

        assertThat(newcomers).isPositive();
        assertThat(fromBundle.unknownUsers()).isEqualTo((int) newcomers);
        assertThat(fromBundle.modelVersion()).isEqualTo(7);
        // With live features the tower places them from their own ratings (its out-of-vocabulary ID).
        assertThat(live.unknownUsers()).isZero();
        assertThat(fromBundle.recallAt10()).isBetween(0.0, 1.0);
    }

    @Test
    void theCandidatesManifestAndResultCarryTheStableFigures(@TempDir Path dir) throws IOException {
        TrainingConfig oneEpoch = TrainingConfig.defaults(1, 32, 42, Device.CPU);

        TrainingResult candidate = new TrainingPipeline(new PrintStream(System.out, true)).run(
                new TrainingPipeline.Options(TrainedBundle.DATA, dir.resolve("candidate"), oneEpoch, 0.2, 0.1, null,
                        "recommender", 2, null, trained.bundle(), StableModelEvaluation.Features.BUNDLE));

        Manifest.Stable stable = candidate.manifest().metrics().stable();
        assertThat(stable).isNotNull();
        assertThat(stable.modelVersion()).isEqualTo(trained.manifest().modelVersion());
        assertThat(io.recommender.bundle.ModelBundle.open(candidate.bundle()).manifest().metrics().stable())
                .isEqualTo(stable);
        PackagedModel result = new PackagedModel("recommender", 2, "r@sha256:1", "t@sha256:2", 0.9, 0.1, 0.1, stable);
        assertThat(PackagedModel.fromJson(result.toJson()).stable()).isEqualTo(stable);
    }

    @Test
    void aStableBundleThatCannotBeReadIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> StableModelEvaluation.evaluate(dir, StableModelEvaluation.Features.BUNDLE, ratings,
                split, eval))
                .isInstanceOf(BundleException.class)
                .hasMessageStartingWith("the stable version's bundle cannot be scored: ")
                .hasMessageContaining("not a model bundle");
    }
}
