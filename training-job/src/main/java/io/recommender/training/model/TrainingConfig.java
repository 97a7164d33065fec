package io.recommender.training.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of one training run. The model has two heads, each trained by its own Adam steps and
 * early-stopped on its own validation figure (see {@link TwoTowerTrainer}); the defaults were chosen on the
 * validation part of ml-latest-small's split (docs/benchmarks.md, issue #20).
 *
 * @param epochs the most epochs to run; early stopping usually ends sooner
 * @param batchSize ratings per step of the rating head
 * @param learningRate the rating head's Adam learning rate
 * @param ratingEmbeddingSize the rating head's ID embedding and output size
 * @param hidden widths of the ReLU layers of each rating tower, before the linear output
 * @param l2 weight of the squared ID embeddings of each batch in the rating loss
 * @param patience epochs without a better validation RMSE before the rating head stops
 * @param history item slots of the user's training history in each user row, the retrieval user tower's input
 *     (0: no history; the retrieval user tower then has a per-user embedding)
 * @param embeddingSize the retrieval towers' vector size (the served embedding is one wider)
 * @param retrievalBatchSize users per step of the retrieval head
 * @param retrievalLearningRate the retrieval head's Adam learning rate
 * @param retrievalL2 weight of half the squared retrieval embedding tables in the retrieval loss
 * @param historyDropout share of history items dropped at random from each training user's input
 * @param targetPower a rated item's weight in the retrieval loss is (rating / 5) to this power: the items a user
 *     rated highly are the ones to retrieve
 * @param retrievalPatience epochs without a better validation recall@10 before the retrieval head stops
 * @param retrievalAverage decay of the moving average of the retrieval head's parameters after each step, which is
 *     what is evaluated and kept (Polyak averaging; 0: the parameters themselves)
 * @param ratingAverage the same for the rating head
 */
public record TrainingConfig(int epochs, int batchSize, float learningRate, int ratingEmbeddingSize, int[] hidden,
        float l2, int patience, long seed, Device device, int history, int embeddingSize, int retrievalBatchSize,
        float retrievalLearningRate, float retrievalL2, float historyDropout, float targetPower,
        int retrievalPatience, float retrievalAverage, float ratingAverage) {
    public static final int DEFAULT_EPOCHS = 150;
    public static final int DEFAULT_BATCH_SIZE = 1024;
    public static final float DEFAULT_LEARNING_RATE = 0.002f;
    public static final int DEFAULT_RATING_EMBEDDING_SIZE = 32;
    public static final int[] DEFAULT_HIDDEN = {256, 128};
    public static final float DEFAULT_L2 = 1e-4f;
    public static final int DEFAULT_PATIENCE = 3;
    public static final int DEFAULT_HISTORY = 256;
    public static final int DEFAULT_EMBEDDING_SIZE = 200;
    public static final int DEFAULT_RETRIEVAL_BATCH_SIZE = 64;
    public static final float DEFAULT_RETRIEVAL_LEARNING_RATE = 0.001f;
    public static final float DEFAULT_RETRIEVAL_L2 = 1e-4f;
    public static final float DEFAULT_HISTORY_DROPOUT = 0.3f;
    public static final float DEFAULT_TARGET_POWER = 3f;
    public static final int DEFAULT_RETRIEVAL_PATIENCE = 12;
    public static final float DEFAULT_RETRIEVAL_AVERAGE = 0.995f;
    public static final float DEFAULT_RATING_AVERAGE = 0.995f;
    /**
     * Share of the rating head's training examples whose user ID is replaced by the out-of-vocabulary ID, so that
     * the ID embedding and bias a never-seen user gets are trained ones.
     */
    public static final float OOV_SHARE = 0.05f;

    public TrainingConfig {
        require(epochs >= 1 && epochs <= 1000, "epochs must be in 1..1000, got " + epochs);
        require(batchSize >= 1 && batchSize <= 1 << 20, "batch size must be in 1..1048576, got " + batchSize);
        require(learningRate > 0 && learningRate < 1, "learning rate must be in (0, 1), got " + learningRate);
        require(ratingEmbeddingSize >= 1 && ratingEmbeddingSize <= 1024,
                "rating embedding size must be in 1..1024, got " + ratingEmbeddingSize);
        require(hidden.length >= 1 && Arrays.stream(hidden).allMatch(h -> h >= 1 && h <= 8192),
                "hidden layer widths must be in 1..8192, got " + Arrays.toString(hidden));
        require(l2 >= 0, "l2 must not be negative, got " + l2);
        require(patience >= 1, "patience must be at least 1, got " + patience);
        require(history >= 0 && history <= 4096, "history must be in 0..4096, got " + history);
        require(embeddingSize >= 1 && embeddingSize <= 1024, "embedding size must be in 1..1024, got " + embeddingSize);
        require(retrievalBatchSize >= 1 && retrievalBatchSize <= 1 << 16,
                "retrieval batch size must be in 1..65536, got " + retrievalBatchSize);
        require(retrievalLearningRate > 0 && retrievalLearningRate < 1,
                "retrieval learning rate must be in (0, 1), got " + retrievalLearningRate);
        require(retrievalL2 >= 0, "retrieval l2 must not be negative, got " + retrievalL2);
        require(historyDropout >= 0 && historyDropout < 1, "history dropout must be in [0, 1), got " + historyDropout);
        require(targetPower >= 0 && targetPower <= 16, "target power must be in 0..16, got " + targetPower);
        require(retrievalPatience >= 1, "retrieval patience must be at least 1, got " + retrievalPatience);
        require(retrievalAverage >= 0 && retrievalAverage < 1,
                "retrieval average decay must be in [0, 1), got " + retrievalAverage);
        require(ratingAverage >= 0 && ratingAverage < 1, "rating average decay must be in [0, 1), got " + ratingAverage);
        hidden = hidden.clone();
    }

    /** The default settings with this many epochs, embedding size and seed. */
    public static TrainingConfig defaults(int epochs, int embeddingSize, long seed, Device device) {
        return new TrainingConfig(epochs, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_RATING_EMBEDDING_SIZE,
                DEFAULT_HIDDEN, DEFAULT_L2, DEFAULT_PATIENCE, seed, device, DEFAULT_HISTORY, embeddingSize,
                DEFAULT_RETRIEVAL_BATCH_SIZE, DEFAULT_RETRIEVAL_LEARNING_RATE, DEFAULT_RETRIEVAL_L2,
                DEFAULT_HISTORY_DROPOUT, DEFAULT_TARGET_POWER, DEFAULT_RETRIEVAL_PATIENCE, DEFAULT_RETRIEVAL_AVERAGE,
                DEFAULT_RATING_AVERAGE);
    }

    /** These settings with another history length. */
    public TrainingConfig withHistory(int h) {
        return new TrainingConfig(epochs, batchSize, learningRate, ratingEmbeddingSize, hidden, l2, patience, seed,
                device, h, embeddingSize, retrievalBatchSize, retrievalLearningRate, retrievalL2, historyDropout,
                targetPower, retrievalPatience, retrievalAverage, ratingAverage);
    }

    /** These settings with another retrieval learning rate. */
    public TrainingConfig withRetrievalLearningRate(float rate) {
        return new TrainingConfig(epochs, batchSize, learningRate, ratingEmbeddingSize, hidden, l2, patience, seed,
                device, history, embeddingSize, retrievalBatchSize, rate, retrievalL2, historyDropout, targetPower,
                retrievalPatience, retrievalAverage, ratingAverage);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The settings as written into the bundle manifest. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("learningRate", learningRate);
        m.put("ratingEmbeddingSize", ratingEmbeddingSize);
        m.put("hidden", Arrays.stream(hidden).boxed().toList());
        m.put("l2", l2);
        m.put("patience", patience);
        m.put("history", history);
        m.put("embeddingSize", embeddingSize);
        m.put("retrievalBatchSize", retrievalBatchSize);
        m.put("retrievalLearningRate", retrievalLearningRate);
        m.put("retrievalL2", retrievalL2);
        m.put("historyDropout", historyDropout);
        m.put("targetPower", targetPower);
        m.put("retrievalPatience", retrievalPatience);
        m.put("retrievalAverage", retrievalAverage);
        m.put("ratingAverage", ratingAverage);
        m.put("oovShare", OOV_SHARE);
        m.put("seed", seed);
        m.put("device", device.name().toLowerCase());
        return m;
    }
}
