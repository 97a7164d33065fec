package io.recommender.training.model;

import io.recommender.training.features.Features;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the two-tower model in TensorFlow graph mode: predicted rating = user vector . item vector +
 * user bias + item bias + global mean, MSE loss with L2 on the batch's ID embeddings, plus the retrieval head's
 * sampled softmax; Adam on shuffled mini-batches. Each head is early-stopped on the validation split by its own
 * figure: the rating head keeps the epoch with the lowest validation RMSE, the retrieval head (and the exported
 * user tower) the epoch with the highest validation recall@10; training stops once neither has improved for
 * {@code patience} epochs. The user tower's history bag leaves each training example's own item out. Initial
 * weights, batch order and sampled negatives come from the seed, so a seed reproduces a run.
 */
public final class TwoTowerTrainer {
    /** Logit offset that removes a candidate from an example's softmax. */
    static final float MASKED = -1e9f;

    private final TrainingConfig config;

    public TwoTowerTrainer(TrainingConfig config) {
        this.config = config;
    }

    /** Ratings given as parallel arrays of dense user index, dense item index and rating. */
    public record Examples(int[] users, int[] items, float[] ratings) {
        public int size() {
            return users.length;
        }
    }

    public TrainedModel train(Features features, float globalMean, Examples train, Examples validation,
            Consumer<TrainedModel.EpochReport> progress) {
        DeviceSpec device = DeviceSelector.resolve(config.device());
        int historyLength = config.history();
        ValidationRanking validationRanking = ValidationRanking.of(train, validation, features.users());
        if (validationRanking.users() == 0) {
            throw new IllegalArgumentException("the validation split has no rating >= "
                    + io.recommender.training.eval.RankingMetrics.RELEVANT + ", so the retrieval head's epoch cannot be"
                    + " chosen by validation recall@10: use more data or a larger --validation-fraction");
        }
        // One more user ID than known users: the out-of-vocabulary ID (index = features.users()) that the tower is
        // given for a user it never saw, trained by standing in for the real ID in a random share of examples.
        int oovIndex = features.users();
        Tower userTower = new Tower("user", oovIndex + 1, features.userWidth(), config.embeddingSize(),
                config.hidden(), false, historyLength, features.items(), historyLength > 0);
        Tower itemTower = new Tower("item", features.items(), features.itemWidth(), config.embeddingSize(),
                config.hidden(), true, 0, 0, historyLength > 0);
        SplittableRandom rnd = new SplittableRandom(config.seed());
        Map<String, float[]> initial = new LinkedHashMap<>(userTower.initialValues(rnd.split()));
        initial.putAll(itemTower.initialValues(rnd.split()));

        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph).withDevice(device);
            Map<String, long[]> shapes = new LinkedHashMap<>(userTower.shapes());
            shapes.putAll(itemTower.shapes());
            Parameters params = new Parameters(tf, shapes);

            Operand<TFloat32> userTable = tf.constant(Shape.of(features.users(), features.userWidth()),
                    DataBuffers.of(features.userRows(), true, false));
            Operand<TFloat32> itemTable = tf.constant(Shape.of(features.items(), features.itemWidth()),
                    DataBuffers.of(features.itemRows(), true, false));
            Placeholder<TInt32> userIdx = tf.withName("batch_users").placeholder(TInt32.class);
            Placeholder<TInt32> itemIdx = tf.withName("batch_items").placeholder(TInt32.class);
            Placeholder<TFloat32> rating = tf.withName("batch_ratings").placeholder(TFloat32.class);

            Placeholder<TFloat32> historyKeep = tf.withName("batch_history_keep").placeholder(TFloat32.class);
            Placeholder<TFloat32> userIndexColumn = tf.withName("batch_user_index").placeholder(TFloat32.class);
            Operand<TFloat32> batchUserRows = tf.concat(List.of(userIndexColumn,
                    tf.slice(tf.gather(userTable, userIdx, tf.constant(0)), tf.constant(new int[] {0, 1}),
                            tf.constant(new int[] {-1, -1}))), tf.constant(1));
            Tower.Output u = userTower.apply(tf, batchUserRows, params.variables(),
                    itemIdx, historyLength > 0 ? historyKeep : null);
            Tower.Output v = itemTower.apply(tf, tf.gather(itemTable, itemIdx, tf.constant(0)), params.variables());
            Operand<TFloat32> predicted = tf.math.add(
                    tf.math.add(tf.sum(tf.math.mul(u.rating(), v.rating()), tf.constant(1)), u.bias()),
                    tf.math.add(v.bias(), tf.constant(globalMean)));
            Operand<TFloat32> mse = tf.math.mean(tf.math.square(tf.math.sub(predicted, rating)), tf.constant(0));
            Operand<TFloat32> penalty = tf.math.mul(tf.constant(config.l2()), tf.math.add(
                    tf.math.mean(tf.sum(tf.math.square(u.idEmbedding()), tf.constant(1)), tf.constant(0)),
                    tf.math.mean(tf.sum(tf.math.square(v.idEmbedding()), tf.constant(1)), tf.constant(0))));
            // Retrieval head: softmax of each rated item against other items, so the ranking score learns how likely
            // a user is to pick an item, popularity included. Ranking by predicted rating instead puts obscure
            // five-star items first.
            Placeholder<TInt32> negatives = tf.withName("batch_negatives").placeholder(TInt32.class);
            Placeholder<TFloat32> labels = tf.withName("batch_labels").placeholder(TFloat32.class);
            Tower.Output n = itemTower.apply(tf, tf.gather(itemTable, negatives, tf.constant(0)), params.variables());
            // Candidates of each example: the batch's own items (in-batch negatives, drawn as often as items are
            // rated: hard negatives among popular items) and items drawn uniformly. Each candidate's logit is
            // corrected by -log(expected draws in the batch) (logQ correction), so the learned item prior still
            // models how often an item is picked; an example's own item at another position is masked out.
            Placeholder<TFloat32> offsets = tf.withName("batch_logit_offsets").placeholder(TFloat32.class);
            Operand<TFloat32> candidates = tf.concat(List.of(v.retrieval(), n.retrieval()), tf.constant(0));
            Operand<TFloat32> candidatePrior = tf.concat(List.of(v.prior(), n.prior()), tf.constant(0));
            Operand<TFloat32> logits = tf.math.add(tf.math.mul(tf.constant(config.retrievalScale()), tf.math.add(
                    tf.linalg.matMul(u.retrieval(), candidates, MatMul.transposeB(true)),
                    tf.reshape(candidatePrior, tf.constant(new int[] {1, -1})))), offsets);
            // Each example's softmax term is weighted by its rating (positiveWeight): the items a user rated
            // highly are the ones to retrieve.
            boolean fullSoftmax = config.negatives() == 0;
            Operand<TFloat32> perExample;
            if (fullSoftmax) {
                // Full softmax: every item is a candidate, no sampling and no correction needed.
                Tower.Output every = itemTower.apply(tf, itemTable, params.variables());
                Operand<TFloat32> all = tf.math.mul(tf.constant(config.retrievalScale()), tf.math.add(
                        tf.linalg.matMul(u.retrieval(), every.retrieval(), MatMul.transposeB(true)),
                        tf.reshape(every.prior(), tf.constant(new int[] {1, -1}))));
                perExample = tf.nn.softmaxCrossEntropyWithLogits(all,
                        tf.oneHot(itemIdx, tf.constant(features.items()), tf.constant(1f), tf.constant(0f))).loss();
            } else {
                perExample = tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss();
            }
            Operand<TFloat32> retrieval = tf.math.mean(tf.math.mul(positiveWeight(tf, rating), perExample),
                    tf.constant(0));
            if (u.retrievalEmbedding() != null) {
                penalty = tf.math.add(penalty, tf.math.mul(tf.constant(config.retrievalL2()), tf.math.add(
                        tf.math.mean(tf.sum(tf.math.square(u.retrievalEmbedding()), tf.constant(1)), tf.constant(0)),
                        tf.math.mean(tf.sum(tf.math.square(v.retrievalEmbedding()), tf.constant(1)),
                                tf.constant(0)))));
            }
            Operand<TFloat32> objective = tf.math.add(tf.math.add(mse, penalty),
                    tf.math.mul(tf.constant(config.retrievalWeight()), retrieval));
            Op step = AdamUpdate.minimize(graph, tf, objective, config.learningRate());

            Tower.Output allUsers = userTower.apply(tf, userTable, params.variables());
            Tower.Output allItems = itemTower.apply(tf, itemTable, params.variables());

            ConfigProto sessionConfig = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
            try (Session session = new Session(graph, sessionConfig)) {
                params.load(session, initial);
                List<TrainedModel.EpochReport> history = new ArrayList<>();
                Snapshot best = null;
                Snapshot bestRating = null;
                int bestEpoch = 0;
                int bestRatingEpoch = 0;
                int[] order = new int[train.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                SplittableRandom shuffle = rnd.split();
                SplittableRandom sampler = rnd.split();
                SplittableRandom dropper = rnd.split();
                SplittableRandom oov = rnd.split();
                int items = features.items();
                double[] itemShare = new double[items];
                for (int k = 0; k < train.size(); k++) {
                    itemShare[train.items()[k]] += 1.0 / train.size();
                }
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    long start = System.nanoTime();
                    shuffleInPlace(order, shuffle);
                    double lossSum = 0;
                    for (int from = 0; from < order.length; from += config.batchSize()) {
                        int to = Math.min(order.length, from + config.batchSize());
                        int[] bu = new int[to - from];
                        int[] bi = new int[to - from];
                        float[] by = new float[to - from];
                        for (int k = from; k < to; k++) {
                            bu[k - from] = train.users()[order[k]];
                            bi[k - from] = train.items()[order[k]];
                            by[k - from] = train.ratings()[order[k]];
                        }
                        int b = to - from;
                        float[] indexColumn = new float[b];
                        for (int k = 0; k < b; k++) {
                            indexColumn[k] = oov.nextDouble() < TrainingConfig.OOV_SHARE ? oovIndex : bu[k];
                        }
                        float[] keep = new float[b * Math.max(1, historyLength)];
                        for (int k = 0; k < keep.length; k++) {
                            keep[k] = dropper.nextDouble() < config.historyDropout() ? 0f : 1f;
                        }
                        List<org.tensorflow.Tensor> feeds = new ArrayList<>();
                        try {
                            Session.Runner runner = session.runner();
                            runner.feed(userIdx, add(feeds, Tensors.vector(bu)));
                            runner.feed(userIndexColumn, add(feeds, Tensors.matrix(indexColumn, b, 1)));
                            runner.feed(itemIdx, add(feeds, Tensors.vector(bi)));
                            runner.feed(rating, add(feeds, Tensors.vector(by)));
                            runner.feed(historyKeep, add(feeds, Tensors.matrix(keep, b, Math.max(1, historyLength))));
                            if (!fullSoftmax) {
                                int[] bn = new int[config.negatives()];
                                for (int k = 0; k < bn.length; k++) {
                                    bn[k] = sampler.nextInt(features.items());
                                }
                                int c = b + bn.length;
                                float[] bl = new float[b * c];
                                float[] bo = new float[b * c];
                                float[] columnOffset = new float[c];
                                for (int k = 0; k < c; k++) {
                                    int item = k < b ? bi[k] : bn[k - b];
                                    columnOffset[k] = (float) -Math.log(b * itemShare[item] + (double) bn.length / items);
                                }
                                for (int row = 0; row < b; row++) {
                                    bl[row * c + row] = 1f;
                                    System.arraycopy(columnOffset, 0, bo, row * c, c);
                                    for (int k = 0; k < c; k++) {
                                        if (k != row && (k < b ? bi[k] : bn[k - b]) == bi[row]) {
                                            bo[row * c + k] = MASKED;
                                        }
                                    }
                                }
                                runner.feed(negatives, add(feeds, Tensors.vector(bn)));
                                runner.feed(labels, add(feeds, Tensors.matrix(bl, b, c)));
                                runner.feed(offsets, add(feeds, Tensors.matrix(bo, b, c)));
                            }
                            try (Result r = runner.addTarget(step).fetch(mse).run()) {
                                lossSum += ((TFloat32) r.get(0)).getFloat() * b;
                            }
                        } finally {
                            feeds.forEach(org.tensorflow.Tensor::close);
                        }
                    }
                    Snapshot current = snapshot(session, allUsers, allItems, globalMean);
                    double valRmse = current.rmse(validation);
                    double valRecall = validationRanking.recall(current.userVectors(), current.itemVectors(),
                            current.dimension());
                    TrainedModel.EpochReport report = new TrainedModel.EpochReport(epoch, lossSum / order.length,
                            valRmse, valRecall, (System.nanoTime() - start) / 1e9);
                    history.add(report);
                    progress.accept(report);
                    if (bestRating == null || valRmse < bestRating.validationRmse) {
                        bestRating = current.withParameters(null, valRmse);
                        bestRatingEpoch = epoch;
                    }
                    if (best == null || valRecall > best.validationRecall) {
                        best = current.withParameters(params.read(session), valRmse).withRecall(valRecall);
                        bestEpoch = epoch;
                    }
                    if (epoch - Math.max(bestEpoch, bestRatingEpoch) >= config.patience()) {
                        break;
                    }
                }
                Map<String, float[]> userParams = new LinkedHashMap<>();
                best.parameters.forEach((k, val) -> {
                    if (userTower.shapes().containsKey(k)) {
                        userParams.put(k, val);
                    }
                });
                return new TrainedModel(bestRating.ratingDimension, bestRating.ratingUsers, bestRating.ratingItems,
                        best.dimension, best.userVectors, best.itemVectors, userParams,
                        new TrainedModel.TowerShape(oovIndex + 1, features.userWidth(), config.embeddingSize(),
                                config.hidden(), historyLength, features.items()),
                        List.copyOf(history), bestEpoch, bestRatingEpoch, device.deviceType().name());
            }
        }
    }

    /** (rating / 5)^2: 1 for five stars, 0.64 for four, 0.36 for three. */
    static Operand<TFloat32> positiveWeight(Ops tf, Operand<TFloat32> rating) {
        return tf.math.square(tf.math.div(rating, tf.constant(5f)));
    }

    private static Snapshot snapshot(Session session, Tower.Output users, Tower.Output items, float globalMean) {
        try (Result r = session.runner().fetch(users.rating()).fetch(users.bias()).fetch(users.retrieval())
                .fetch(items.rating()).fetch(items.bias()).fetch(items.retrieval()).fetch(items.prior()).run()) {
            float[] ur = Tensors.toArray((TFloat32) r.get(0));
            float[] ub = Tensors.toArray((TFloat32) r.get(1));
            float[] uq = Tensors.toArray((TFloat32) r.get(2));
            float[] ir = Tensors.toArray((TFloat32) r.get(3));
            float[] ib = Tensors.toArray((TFloat32) r.get(4));
            float[] iq = Tensors.toArray((TFloat32) r.get(5));
            float[] ip = Tensors.toArray((TFloat32) r.get(6));
            int e = ur.length / ub.length;
            float[] ones = new float[Math.max(ub.length, ib.length)];
            Arrays.fill(ones, 1f);
            float[] userOffset = new float[ub.length];
            for (int k = 0; k < ub.length; k++) {
                userOffset[k] = ub[k] + globalMean;
            }
            return new Snapshot(e + 2, Vectors.augment(ur, e, ones, userOffset), Vectors.augment(ir, e, ib, ones),
                    e + 1, Vectors.append(uq, e, ones), Vectors.append(iq, e, ip), null, Double.NaN, Double.NaN);
        }
    }

    private static <T extends org.tensorflow.Tensor> T add(List<org.tensorflow.Tensor> tensors, T t) {
        tensors.add(t);
        return t;
    }

    private static void shuffleInPlace(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private record Snapshot(int ratingDimension, float[] ratingUsers, float[] ratingItems, int dimension,
            float[] userVectors, float[] itemVectors, Map<String, float[]> parameters, double validationRmse,
            double validationRecall) {
        double rmse(Examples examples) {
            double sq = 0;
            for (int k = 0; k < examples.size(); k++) {
                float p = Vectors.dot(ratingUsers, examples.users()[k] * ratingDimension, ratingItems,
                        examples.items()[k] * ratingDimension, ratingDimension);
                double err = Math.max(0.5f, Math.min(5f, p)) - examples.ratings()[k];
                sq += err * err;
            }
            return Math.sqrt(sq / Math.max(1, examples.size()));
        }

        Snapshot withParameters(Map<String, float[]> p, double rmse) {
            return new Snapshot(ratingDimension, ratingUsers, ratingItems, dimension, userVectors, itemVectors, p,
                    rmse, validationRecall);
        }

        Snapshot withRecall(double recall) {
            return new Snapshot(ratingDimension, ratingUsers, ratingItems, dimension, userVectors, itemVectors,
                    parameters, validationRmse, recall);
        }
    }
}
