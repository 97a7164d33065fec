package io.recommender.training.eval;

import io.recommender.bundle.BundleException;
import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.RatedItem;
import io.recommender.featurestore.UserFeatures;
import io.recommender.featurestore.UserState;
import io.recommender.savedmodel.SavedModelException;
import io.recommender.savedmodel.SavedModelRunner;
import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import io.recommender.training.features.FeatureBuilder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The serving (stable) version's bundle scored on a new run's held-out split, so that a candidate and the model it
 * would replace are compared on the same data ({@code spec.quality.maxRegression}).
 *
 * <p>Each user is answered as the stable version's service would answer them, with its own bundle:
 * <ul>
 * <li>{@link Features#BUNDLE}: a user its bundle knows gets the tower on the stored row and its seen filter; a user it
 * does not know gets its most rated items (nothing, when its bundle has no popularity).</li>
 * <li>{@link Features#LIVE}: the user's state in the feature store is this split's training ratings (what
 * materialising the new data leaves there), turned into the tower's row by its manifest's transformation
 * parameters, seen filter from the state; a user without training ratings falls back as in bundle mode.</li>
 * </ul>
 * The top 10 then go through the candidate's own metric code ({@link Evaluation#rankingOfTopLists}), over the same
 * users; movies the new split does not have can be recommended but are never relevant.
 */
public final class StableModelEvaluation {
    /** Users per run of the stable user tower. */
    static final int TOWER_BATCH = 1024;

    /** Which of the stable service's answers to score: the one for {@code features.source} Bundle or Redis. */
    public enum Features {
        BUNDLE, LIVE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private StableModelEvaluation() {}

    /**
     * Scores the bundle in {@code stableDir}; the message of the {@link BundleException} says why it cannot be (an
     * invalid bundle, a tower this code cannot run).
     */
    public static Manifest.Stable evaluate(java.nio.file.Path stableDir, Features requested, Ratings ratings,
            Split split, Evaluation eval) {
        ModelBundle stable;
        try {
            stable = ModelBundle.open(stableDir);
        } catch (BundleException ex) {
            throw new BundleException("the stable version's bundle cannot be scored: " + ex.getMessage());
        }
        Manifest m = stable.manifest();
        UserFeatures transform = transform(m, requested);
        Features mode = transform == null ? Features.BUNDLE : Features.LIVE;

        FloatTable items = stable.items();
        int[] stableMovieIds = items.ids();
        Map<Integer, Integer> rowOfMovie = new HashMap<>(stableMovieIds.length * 2);
        for (int row = 0; row < stableMovieIds.length; row++) {
            rowOfMovie.put(stableMovieIds[row], row);
        }
        Map<Integer, Integer> candidateIndexOfMovie = new HashMap<>(ratings.itemCount() * 2);
        for (int i = 0; i < ratings.itemCount(); i++) {
            candidateIndexOfMovie.put(ratings.movie(i).movieId(), i);
        }
        int[] candidateIndexOfRow = Arrays.stream(stableMovieIds)
                .map(id -> candidateIndexOfMovie.getOrDefault(id, -1)).toArray();

        FloatTable inputs = stable.userInputs();
        Map<Integer, Integer> storedRowOfUser = new HashMap<>(inputs.rows() * 2);
        for (int row = 0; row < inputs.rows(); row++) {
            storedRowOfUser.put(inputs.ids()[row], row);
        }
        int[] popular = popularRows(stable.itemPopularity().values());
        List<UserState> states = mode == Features.LIVE
                ? FeatureBuilder.trainingStates(ratings, split.train(), transform.parameters().maxHistory()) : null;

        // Each scored user's tower row and seen filter, or the popularity fallback (null row).
        int users = ratings.userCount();
        float[][] rows = new float[users][];
        int[][] seen = new int[users][];
        int unknown = 0;
        for (int u = 0; u < users; u++) {
            if (!eval.hasRelevantTest(u)) {
                continue;
            }
            int userId = ratings.userId(u);
            Integer stored = storedRowOfUser.get(userId);
            if (mode == Features.LIVE && !states.get(u).isEmpty()) {
                UserState state = states.get(u);
                rows[u] = transform.row(state, stored == null ? -1 : (int) inputs.get(stored, 0),
                        id -> rowOfMovie.getOrDefault(id, -1));
                seen[u] = rows(state.items().stream().mapToInt(RatedItem::movieId).toArray(), rowOfMovie);
            } else if (stored != null) {
                rows[u] = inputs.row(stored);
                seen[u] = rows(stable.seen().seenBy(userId), rowOfMovie);
            } else {
                unknown++;
            }
        }
        Manifest.Embedding e = m.embedding();
        float[][] embeddings = embed(stable, e, rows);
        int[] fallback = Arrays.stream(popular).map(r -> candidateIndexOfRow[r]).toArray();
        // The exact scan over every movie, users in parallel (each thread its own score buffer).
        int[][] tops = new int[users][];
        ThreadLocal<float[]> buffers = ThreadLocal.withInitial(() -> new float[items.rows()]);
        IntStream.range(0, users).parallel().forEach(u -> {
            if (!eval.hasRelevantTest(u)) {
                return;
            }
            if (embeddings[u] == null) {
                tops[u] = fallback;
                return;
            }
            float[] scores = buffers.get();
            dot(items.values(), e.dimension(), embeddings[u], scores);
            tops[u] = Arrays.stream(RankingMetrics.topK(scores, seen[u], Evaluation.K))
                    .map(r -> candidateIndexOfRow[r]).toArray();
        });
        Evaluation.Ranking ranking = eval.rankingOfTopLists(u -> tops[u]);
        return new Manifest.Stable(m.modelVersion(), mode.label(), ranking.recallAt10(), ranking.ndcgAt10(),
                ranking.users(), unknown);
    }

    /** The transformation for live mode, or null when bundle mode is asked for or the bundle has none. */
    private static UserFeatures transform(Manifest m, Features requested) {
        Manifest.UserFeatures uf = m.userFeatures();
        if (requested != Features.LIVE || uf == null) {
            return null;
        }
        if (!Manifest.UserFeatures.TRANSFORM.equals(uf.transform())) {
            throw new BundleException("the stable version's user features are for the transformation '"
                    + uf.transform() + "', this build runs '" + Manifest.UserFeatures.TRANSFORM + "'");
        }
        try {
            return new UserFeatures(new UserFeatures.Parameters(uf.historyLength(), uf.genreShrinkage(),
                    uf.globalMean(), uf.columnMean(), uf.columnStd(), uf.oovIndex(), uf.maxHistory()));
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new BundleException("the stable version's user feature parameters are unusable: " + ex.getMessage());
        }
    }

    /** The tower's output for each non-null row, in batches; null where the row is null. */
    private static float[][] embed(ModelBundle stable, Manifest.Embedding e, float[][] rows) {
        float[][] out = new float[rows.length][];
        int[] index = IntStream.range(0, rows.length).filter(u -> rows[u] != null).toArray();
        try (SavedModelRunner tower = load(stable, e)) {
            for (int from = 0; from < index.length; from += TOWER_BATCH) {
                int to = Math.min(index.length, from + TOWER_BATCH);
                float[][] batch = new float[to - from][];
                for (int i = from; i < to; i++) {
                    batch[i - from] = rows[index[i]];
                }
                float[][] vectors = tower.run(Map.of(e.inputName(), batch)).get(e.outputName());
                for (int i = from; i < to; i++) {
                    out[index[i]] = vectors[i - from];
                }
            }
        }
        return out;
    }

    private static SavedModelRunner load(ModelBundle bundle, Manifest.Embedding e) {
        SavedModelRunner runner;
        try {
            runner = SavedModelRunner.load(bundle.savedModelDir(), e.signature(), 1);
        } catch (SavedModelException ex) {
            throw new BundleException("the stable version's user tower cannot be loaded: " + ex.getMessage());
        }
        SavedModelRunner.Port in = runner.inputs().get(e.inputName());
        SavedModelRunner.Port out = runner.outputs().get(e.outputName());
        if (runner.inputs().size() != 1 || in == null || in.width() != e.userInputWidth() || out == null
                || out.width() != e.dimension()) {
            runner.close();
            throw new BundleException("the stable version's user tower has inputs " + runner.inputs().values()
                    + " and outputs " + runner.outputs().values() + ", not '" + e.inputName() + "' of width "
                    + e.userInputWidth() + " and '" + e.outputName() + "' of width " + e.dimension());
        }
        return runner;
    }

    /** The bundle's rows of these movies, ascending, movies it does not know left out: a seen filter. */
    private static int[] rows(int[] movieIds, Map<Integer, Integer> rowOfMovie) {
        return Arrays.stream(movieIds).map(id -> rowOfMovie.getOrDefault(id, -1)).filter(r -> r >= 0).sorted()
                .toArray();
    }

    /** The service's popularity fallback: most rated first, ties by row. */
    private static int[] popularRows(float[] counts) {
        boolean any = false;
        for (float c : counts) {
            any |= c > 0;
        }
        if (!any) {
            // Imported without ratings: its service answers such users 404, so nothing is recommended.
            return new int[0];
        }
        return IntStream.range(0, counts.length).boxed()
                .sorted((a, b) -> counts[a] != counts[b] ? Float.compare(counts[b], counts[a]) : Integer.compare(a, b))
                .limit(Evaluation.K).mapToInt(Integer::intValue).toArray();
    }

    private static void dot(float[] matrix, int dim, float[] v, float[] out) {
        for (int row = 0; row < out.length; row++) {
            int o = row * dim;
            float s = 0;
            for (int c = 0; c < dim; c++) {
                s += matrix[o + c] * v[c];
            }
            out[row] = s;
        }
    }
}
