package io.recommender.training.model;

import io.recommender.training.features.Features;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the model's two heads in TensorFlow graph mode, each with Adam steps of its own.
 *
 * <p>Rating head ({@link RatingTower}s): predicted rating = user vector . item vector + user bias + item bias +
 * global mean; MSE on shuffled mini-batches of ratings, with L2 on the batch's ID embeddings.
 *
 * <p>Retrieval head ({@link RetrievalTowers}, the served one): for a mini-batch of users, each user's history with
 * items dropped at random gives the user vector, and the loss is the multinomial log-likelihood of all the user's
 * training items under a softmax over every item, each item weighted by (rating / 5)^{@code targetPower} (Mult-DAE,
 * Liang et al. 2018, with rating-weighted targets), plus L2 on the embedding tables.
 *
 * <p>Each head is evaluated and kept as the moving average of its parameters ({@link MovingAverage}; decay
 * {@code ratingAverage} and {@code retrievalAverage} per step). Each head is early-stopped on the validation split by its own figure: the rating head keeps the epoch with
 * the lowest validation RMSE, the retrieval head (and the exported user tower) the epoch with the highest
 * validation recall@10; a head stops training once it has not improved for its patience, and the run ends when
 * both have stopped. Initial weights, batch order and dropout come from the seed, so a seed reproduces a run.
 */
public final class TwoTowerTrainer {
    /** Users whose validation scores are computed in one session run (bounds the score matrix's memory). */
    static final int SCORE_CHUNK = 512;
    private static final String USER_TABLE = "user_feature_table";
    private static final String ITEM_TABLE = "item_feature_table";

    private final TrainingConfig config;
    private final DeviceSpec device;

    /** Trains on the device {@code config.device()} resolves to. */
    public TwoTowerTrainer(TrainingConfig config) {
        this(config, DeviceSelector.resolve(config.device()));
    }

    /** Trains on {@code device}, already chosen (and logged) by the caller. */
    public TwoTowerTrainer(TrainingConfig config, DeviceSpec device) {
        this.config = config;
        this.device = device;
    }

    /** Ratings given as parallel arrays of dense user index, dense item index and rating. */
    public record Examples(int[] users, int[] items, float[] ratings) {
        public int size() {
            return users.length;
        }
    }

    public TrainedModel train(Features features, float globalMean, Examples train, Examples validation,
            Consumer<TrainedModel.EpochReport> progress) {
        int historyLength = config.history();
        int items = features.items();
        ValidationRanking validationRanking = ValidationRanking.of(train, validation, features.users());
        if (validationRanking.users() == 0) {
            throw new IllegalArgumentException("the validation split has no rating >= "
                    + io.recommender.training.eval.RankingMetrics.RELEVANT + ", so the retrieval head's epoch cannot be"
                    + " chosen by validation recall@10: use more data or a larger --validation-fraction");
        }
        // One more user ID than known users: the out-of-vocabulary ID (index = features.users()) that the rating
        // tower is given for a user it never saw, trained by standing in for the real ID in a random share of
        // examples. The retrieval tower reads the history, not the ID.
        int oovIndex = features.users();
        RatingTower userTower = new RatingTower("user", oovIndex + 1, features.userWidth(), historyLength, items,
                config.ratingEmbeddingSize(), config.hidden());
        RatingTower itemTower = new RatingTower("item", items, features.itemWidth(), 0, 0,
                config.ratingEmbeddingSize(), config.hidden());
        RetrievalTowers retrieval = new RetrievalTowers(oovIndex + 1, features.userWidth(), config.embeddingSize(),
                historyLength, items);
        SplittableRandom rnd = new SplittableRandom(config.seed());
        Map<String, float[]> initial = new LinkedHashMap<>(userTower.initialValues(rnd.split()));
        initial.putAll(itemTower.initialValues(rnd.split()));
        initial.putAll(retrieval.initialValues(rnd.split()));

        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph).withDevice(device);
            Map<String, long[]> shapes = new LinkedHashMap<>(userTower.shapes());
            shapes.putAll(itemTower.shapes());
            shapes.putAll(retrieval.shapes());
            Parameters params = new Parameters(tf, shapes);
            Map<String, Variable<TFloat32>> vars = params.variables();

            // The feature tables are variables loaded once, not constants: a constant is copied into the graph's
            // definition and again into the session (three copies of 350 MB of user rows at ml-25m size), and a
            // graph definition cannot pass 2 GB.
            Parameters data = new Parameters(tf, Map.of(USER_TABLE, new long[] {features.users(), features.userWidth()},
                    ITEM_TABLE, new long[] {items, features.itemWidth()}));
            Operand<TFloat32> userTable = data.variables().get(USER_TABLE);
            Operand<TFloat32> itemTable = data.variables().get(ITEM_TABLE);

            // Rating head.
            Placeholder<TInt32> userIdx = tf.withName("batch_users").placeholder(TInt32.class);
            Placeholder<TInt32> itemIdx = tf.withName("batch_items").placeholder(TInt32.class);
            Placeholder<TFloat32> rating = tf.withName("batch_ratings").placeholder(TFloat32.class);
            Placeholder<TFloat32> userIndexColumn = tf.withName("batch_user_index").placeholder(TFloat32.class);
            Operand<TFloat32> batchUserRows = tf.concat(List.of(userIndexColumn,
                    tf.slice(tf.gather(userTable, userIdx, tf.constant(0)), tf.constant(new int[] {0, 1}),
                            tf.constant(new int[] {-1, -1}))), tf.constant(1));
            RatingTower.Output u = userTower.apply(tf, batchUserRows, vars, itemIdx);
            RatingTower.Output v = itemTower.apply(tf, tf.gather(itemTable, itemIdx, tf.constant(0)), vars, null);
            Operand<TFloat32> predicted = tf.math.add(
                    tf.math.add(tf.sum(tf.math.mul(u.rating(), v.rating()), tf.constant(1)), u.bias()),
                    tf.math.add(v.bias(), tf.constant(globalMean)));
            Operand<TFloat32> mse = tf.math.mean(tf.math.square(tf.math.sub(predicted, rating)), tf.constant(0));
            Operand<TFloat32> penalty = tf.math.mul(tf.constant(config.l2()), tf.math.add(
                    tf.math.mean(tf.sum(tf.math.square(u.idEmbedding()), tf.constant(1)), tf.constant(0)),
                    tf.math.mean(tf.sum(tf.math.square(v.idEmbedding()), tf.constant(1)), tf.constant(0))));
            Op ratingStep = AdamUpdate.minimize(graph, tf, tf.math.add(mse, penalty), config.learningRate(),
                    variables(vars, ratingNames(userTower, itemTower)), "rating");

            // Retrieval head.
            Placeholder<TInt32> retrievalUsers = tf.withName("retrieval_users").placeholder(TInt32.class);
            Placeholder<TFloat32> historyKeep = tf.withName("retrieval_history_keep").placeholder(TFloat32.class);
            Placeholder<TFloat32> targets = tf.withName("retrieval_targets").placeholder(TFloat32.class);
            Operand<TFloat32> batchUsers = retrieval.user(tf, tf.gather(userTable, retrievalUsers, tf.constant(0)),
                    vars, historyLength > 0 ? historyKeep : null);
            Operand<TFloat32> logLikelihood = tf.sum(tf.math.mul(targets,
                    tf.nn.logSoftmax(retrieval.scores(tf, batchUsers, vars))), tf.constant(1));
            // L2Loss = half the sum of squares. (Square straight on a variable crashes TensorFlow's C++ gradient.)
            Operand<TFloat32> tables = null;
            for (Map.Entry<String, long[]> e : retrieval.shapes().entrySet()) {
                if (e.getKey().endsWith("_embedding")) {
                    Operand<TFloat32> half = tf.nn.l2Loss(vars.get(e.getKey()));
                    tables = tables == null ? half : tf.math.add(tables, half);
                }
            }
            Operand<TFloat32> retrievalLoss = tf.math.neg(tf.math.mean(logLikelihood, tf.constant(0)));
            Operand<TFloat32> retrievalObjective = tf.math.add(retrievalLoss,
                    tf.math.mul(tf.constant(config.retrievalL2()), tables));
            Op retrievalStep = AdamUpdate.minimize(graph, tf, retrievalObjective, config.retrievalLearningRate(),
                    variables(vars, retrieval.shapes().keySet()), "retrieval");

            // Each head is evaluated and kept as the moving average of its parameters.
            MovingAverage ratingAverage = new MovingAverage(tf, vars, ratingNames(userTower, itemTower),
                    config.ratingAverage(), "rating");
            MovingAverage retrievalAverage = new MovingAverage(tf, vars, retrieval.shapes().keySet(),
                    config.retrievalAverage(), "retrieval");
            Map<String, Operand<TFloat32>> kept = new LinkedHashMap<>(ratingAverage.values());
            kept.putAll(retrievalAverage.values());

            // Snapshots: every user's and item's vectors of both heads, and validation scores a chunk at a time.
            // Users a chunk at a time: a history tower over every user at once holds users x history x size floats
            // (33 GB at ml-25m size), and an op over all users that is then gathered from computes them all.
            Placeholder<TInt32> chunkUsers = tf.withName("chunk_users").placeholder(TInt32.class);
            Operand<TFloat32> chunkRows = tf.gather(userTable, chunkUsers, tf.constant(0));
            RatingTower.Output chunkRatingUsers = userTower.apply(tf, chunkRows, kept, null);
            RatingTower.Output allItems = itemTower.apply(tf, itemTable, kept, null);
            Operand<TFloat32> chunkUserVectors = retrieval.user(tf, chunkRows, kept, null);
            Operand<TFloat32> userScores = retrieval.scores(tf, chunkUserVectors, kept);
            UserChunks chunks = new UserChunks(chunkUsers, features.users());

            ConfigProto sessionConfig = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
            try (Session session = new Session(graph, sessionConfig)) {
                params.load(session, initial);
                data.load(session, Map.of(USER_TABLE, features.userRows(), ITEM_TABLE, features.itemRows()));
                SplittableRandom shuffle = rnd.split();
                SplittableRandom dropper = rnd.split();
                SplittableRandom oov = rnd.split();
                SplittableRandom userShuffle = rnd.split();
                int[] order = identity(train.size());
                int[] userOrder = identity(features.users());
                RetrievalTargets retrievalTargets = RetrievalTargets.of(train, features.users(), config.targetPower());
                List<TrainedModel.EpochReport> history = new ArrayList<>();
                float[][] bestRating = null;
                double bestRmse = Double.POSITIVE_INFINITY;
                int bestRatingEpoch = 0;
                RetrievalSnapshot best = null;
                int bestEpoch = 0;
                double lastRmse = Double.NaN;
                double lastRecall = Double.NaN;
                double ratingLoss = Double.NaN;
                // A head that has stopped reports NaN for its figures in the epochs after.
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    long start = System.nanoTime();
                    boolean ratingActive = epoch - bestRatingEpoch <= config.patience() || bestRating == null;
                    boolean retrievalActive = epoch - bestEpoch <= config.retrievalPatience() || best == null;
                    if (!ratingActive && !retrievalActive) {
                        break;
                    }
                    long ratingStart = System.nanoTime();
                    if (ratingActive) {
                        shuffleInPlace(order, shuffle);
                        double lossSum = 0;
                        for (int from = 0; from < order.length; from += config.batchSize()) {
                            int to = Math.min(order.length, from + config.batchSize());
                            int b = to - from;
                            int[] bu = new int[b];
                            int[] bi = new int[b];
                            float[] by = new float[b];
                            float[] indexColumn = new float[b];
                            for (int k = 0; k < b; k++) {
                                bu[k] = train.users()[order[from + k]];
                                bi[k] = train.items()[order[from + k]];
                                by[k] = train.ratings()[order[from + k]];
                                indexColumn[k] = oov.nextDouble() < TrainingConfig.OOV_SHARE ? oovIndex : bu[k];
                            }
                            try (TInt32 tu = Tensors.vector(bu); TInt32 ti = Tensors.vector(bi);
                                    TFloat32 ty = Tensors.vector(by); TFloat32 tc = Tensors.matrix(indexColumn, b, 1);
                                    Result r = session.runner().feed(userIdx, tu).feed(itemIdx, ti).feed(rating, ty)
                                            .feed(userIndexColumn, tc).addTarget(ratingStep).fetch(mse).run()) {
                                lossSum += ((TFloat32) r.get(0)).getFloat() * b;
                            }
                            ratingAverage.step(session);
                        }
                        ratingLoss = lossSum / order.length;
                        float[][] ratingVectors = ratingVectors(session, ratingAverage, chunks, chunkRatingUsers,
                                allItems,
                                globalMean);
                        lastRmse = rmse(ratingVectors, config.ratingEmbeddingSize() + 2, validation);
                        if (lastRmse < bestRmse) {
                            bestRmse = lastRmse;
                            bestRating = ratingVectors;
                            bestRatingEpoch = epoch;
                        }
                    }
                    long retrievalStart = System.nanoTime();
                    if (retrievalActive) {
                        shuffleInPlace(userOrder, userShuffle);
                        int h = Math.max(1, historyLength);
                        for (int from = 0; from < userOrder.length; from += config.retrievalBatchSize()) {
                            int to = Math.min(userOrder.length, from + config.retrievalBatchSize());
                            int b = to - from;
                            int[] bu = Arrays.copyOfRange(userOrder, from, to);
                            float[] keep = new float[b * h];
                            for (int k = 0; k < keep.length; k++) {
                                keep[k] = dropper.nextDouble() < config.historyDropout() ? 0f : 1f;
                            }
                            try (TInt32 tu = Tensors.vector(bu); TFloat32 tk = Tensors.matrix(keep, b, h);
                                    TFloat32 tt = Tensors.matrix(retrievalTargets.rows(bu, items), b, items)) {
                                session.runner().feed(retrievalUsers, tu).feed(historyKeep, tk).feed(targets, tt)
                                        .addTarget(retrievalStep).run().close();
                            }
                            retrievalAverage.step(session);
                        }
                        lastRecall = validationRanking.recall(chunk -> {
                            Session.Runner runner = session.runner();
                            try (TInt32 tu = Tensors.vector(chunk); TFloat32 tc = retrievalAverage.feed(runner);
                                    Result r = runner.feed(chunkUsers, tu).fetch(userScores).run()) {
                                return Tensors.toArray((TFloat32) r.get(0));
                            }
                        }, items, SCORE_CHUNK);
                        if (best == null || lastRecall > best.validationRecall) {
                            best = retrievalSnapshot(session, retrievalAverage, retrieval, chunks, chunkUserVectors,
                                    lastRecall);
                            bestEpoch = epoch;
                        }
                    }
                    TrainedModel.EpochReport report = new TrainedModel.EpochReport(epoch,
                            ratingActive ? ratingLoss : Double.NaN, ratingActive ? lastRmse : Double.NaN,
                            retrievalActive ? lastRecall : Double.NaN, (System.nanoTime() - start) / 1e9,
                            (retrievalStart - ratingStart) / 1e9, (System.nanoTime() - retrievalStart) / 1e9);
                    history.add(report);
                    progress.accept(report);
                }
                return new TrainedModel(config.ratingEmbeddingSize() + 2, bestRating[0], bestRating[1],
                        config.embeddingSize() + 1, best.userVectors, best.itemVectors, best.userTowerParameters,
                        new TrainedModel.TowerShape(oovIndex + 1, features.userWidth(), config.embeddingSize(),
                                historyLength, items),
                        List.copyOf(history), bestEpoch, bestRatingEpoch, device.deviceType().name());
            }
        }
    }

    /** Each user's training items and loss weights, as dense target rows for a batch of users. */
    private record RetrievalTargets(int[][] items, float[][] weights) {
        static RetrievalTargets of(Examples train, int users, float power) {
            int[] count = new int[users];
            for (int u : train.users()) {
                count[u]++;
            }
            int[][] items = new int[users][];
            float[][] weights = new float[users][];
            for (int u = 0; u < users; u++) {
                items[u] = new int[count[u]];
                weights[u] = new float[count[u]];
            }
            int[] filled = new int[users];
            for (int k = 0; k < train.size(); k++) {
                int u = train.users()[k];
                items[u][filled[u]] = train.items()[k];
                weights[u][filled[u]++] = (float) Math.pow(train.ratings()[k] / 5.0, power);
            }
            return new RetrievalTargets(items, weights);
        }

        float[] rows(int[] users, int itemCount) {
            float[] rows = new float[users.length * itemCount];
            for (int r = 0; r < users.length; r++) {
                int[] its = items[users[r]];
                float[] ws = weights[users[r]];
                for (int k = 0; k < its.length; k++) {
                    rows[r * itemCount + its[k]] = ws[k];
                }
            }
            return rows;
        }
    }

    private static List<String> ratingNames(RatingTower userTower, RatingTower itemTower) {
        List<String> names = new ArrayList<>(userTower.shapes().keySet());
        names.addAll(itemTower.shapes().keySet());
        return names;
    }

    private static List<Variable<TFloat32>> variables(Map<String, Variable<TFloat32>> vars,
            Collection<String> names) {
        return names.stream().map(vars::get).toList();
    }

    /** Every user's values of some outputs, a chunk of users per run: the user-row outputs, concatenated. */
    private record UserChunks(Placeholder<TInt32> users, int count) {
        /** Users per run: 1,024 x a history of 256 x 200 floats is 210 MB in the retrieval tower. */
        static final int SIZE = 1024;

        List<float[]> fetch(Session session, MovingAverage average, List<Operand<TFloat32>> outputs) {
            List<List<float[]>> parts = new ArrayList<>();
            outputs.forEach(o -> parts.add(new ArrayList<>()));
            for (int from = 0; from < count; from += SIZE) {
                int[] chunk = java.util.stream.IntStream.range(from, Math.min(count, from + SIZE)).toArray();
                Session.Runner runner = session.runner();
                outputs.forEach(runner::fetch);
                try (TInt32 tu = Tensors.vector(chunk); TFloat32 tc = average.feed(runner);
                        Result r = runner.feed(users, tu).run()) {
                    for (int i = 0; i < outputs.size(); i++) {
                        parts.get(i).add(Tensors.toArray((TFloat32) r.get(i)));
                    }
                }
            }
            return parts.stream().map(UserChunks::concat).toList();
        }

        private static float[] concat(List<float[]> parts) {
            float[] all = new float[parts.stream().mapToInt(a -> a.length).sum()];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }

    /** The rating head's augmented vectors: users {@code [r_u, 1, b_u + mean]}, items {@code [r_i, b_i, 1]}. */
    private static float[][] ratingVectors(Session session, MovingAverage average, UserChunks chunks,
            RatingTower.Output users, RatingTower.Output items, float globalMean) {
        List<float[]> user = chunks.fetch(session, average, List.of(users.rating(), users.bias()));
        Session.Runner runner = session.runner();
        try (TFloat32 tc = average.feed(runner); Result r = runner.fetch(items.rating()).fetch(items.bias()).run()) {
            float[] ur = user.get(0);
            float[] ub = user.get(1);
            float[] ir = Tensors.toArray((TFloat32) r.get(0));
            float[] ib = Tensors.toArray((TFloat32) r.get(1));
            int e = ur.length / ub.length;
            float[] ones = new float[Math.max(ub.length, ib.length)];
            Arrays.fill(ones, 1f);
            float[] userOffset = new float[ub.length];
            for (int k = 0; k < ub.length; k++) {
                userOffset[k] = ub[k] + globalMean;
            }
            return new float[][] {Vectors.augment(ur, e, ones, userOffset), Vectors.augment(ir, e, ib, ones)};
        }
    }

    private static double rmse(float[][] vectors, int dimension, Examples examples) {
        double sq = 0;
        for (int k = 0; k < examples.size(); k++) {
            float p = Vectors.dot(vectors[0], examples.users()[k] * dimension, vectors[1],
                    examples.items()[k] * dimension, dimension);
            double err = Math.max(0.5f, Math.min(5f, p)) - examples.ratings()[k];
            sq += err * err;
        }
        return Math.sqrt(sq / Math.max(1, examples.size()));
    }

    private record RetrievalSnapshot(float[] userVectors, float[] itemVectors,
            Map<String, float[]> userTowerParameters, double validationRecall) {}

    /** The retrieval head's augmented vectors (users {@code [u, 1]}, items {@code [q_i, p_i]}) and user tower. */
    private static RetrievalSnapshot retrievalSnapshot(Session session, MovingAverage average,
            RetrievalTowers retrieval, UserChunks chunks, Operand<TFloat32> userVectors, double recall) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Session.Runner runner = session.runner();
        try (TFloat32 tc = average.feed(runner)) {
            List<String> names = List.copyOf(retrieval.shapes().keySet());
            names.forEach(name -> runner.fetch(average.values().get(name)));
            try (Result r = runner.run()) {
                for (int i = 0; i < names.size(); i++) {
                    values.put(names.get(i), Tensors.toArray((TFloat32) r.get(i)));
                }
            }
        }
        Map<String, float[]> userTower = new LinkedHashMap<>();
        retrieval.userShapes().keySet().forEach(k -> userTower.put(k, values.get(k)));
        float[] users = chunks.fetch(session, average, List.of(userVectors)).get(0);
        int e = retrieval.size();
        float[] ones = new float[users.length / e];
        Arrays.fill(ones, 1f);
        return new RetrievalSnapshot(Vectors.append(users, e, ones),
                Vectors.append(values.get(RetrievalTowers.ITEM_EMBEDDING), e, values.get(RetrievalTowers.ITEM_PRIOR)),
                userTower, recall);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffleInPlace(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
