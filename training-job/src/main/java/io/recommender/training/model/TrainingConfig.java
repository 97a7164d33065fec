package io.recommender.training.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of one training run.
 *
 * @param epochs the most epochs to run; early stopping may end sooner
 * @param patience epochs without a better validation RMSE before stopping
 * @param hidden widths of the ReLU layers of each tower, before the linear output of {@code embeddingSize}
 * @param l2 weight of the squared ID embeddings of each batch in the loss
 * @param retrievalWeight weight of the sampled-softmax retrieval loss next to the rating MSE (0: ratings only)
 * @param negatives items sampled uniformly per batch as the retrieval loss's negatives, next to the batch's own
 *     items; 0: a full softmax over all items
 * @param retrievalScale factor on the ranking scores before the softmax (an inverse temperature)
 * @param history items of the user's training history in each user row (0: no history bag)
 * @param historyDropout share of history items dropped at random from each training example's bag
 * @param retrievalL2 weight of the squared history bags and item embeddings (the retrieval head's) of each batch
 */
public record TrainingConfig(int epochs, int batchSize, float learningRate, int embeddingSize, int[] hidden,
        float l2, float retrievalWeight, int negatives, float retrievalScale, int patience, long seed, Device device,
        int history, float retrievalL2, float historyDropout) {
    public static final int DEFAULT_HISTORY = 128;
    public static final float DEFAULT_RETRIEVAL_L2 = 0f;
    public static final float DEFAULT_HISTORY_DROPOUT = 0.5f;
    /**
     * Share of training examples whose user ID is replaced by the out-of-vocabulary ID, so that the ID embedding
     * and bias a never-seen user gets are trained ones.
     */
    public static final float OOV_SHARE = 0.05f;

    /** The settings with the default history length. */
    public TrainingConfig(int epochs, int batchSize, float learningRate, int embeddingSize, int[] hidden, float l2,
            float retrievalWeight, int negatives, float retrievalScale, int patience, long seed, Device device) {
        this(epochs, batchSize, learningRate, embeddingSize, hidden, l2, retrievalWeight, negatives, retrievalScale,
                patience, seed, device, DEFAULT_HISTORY, DEFAULT_RETRIEVAL_L2,
                DEFAULT_HISTORY_DROPOUT);
    }

    public TrainingConfig {
        require(epochs >= 1 && epochs <= 1000, "epochs must be in 1..1000, got " + epochs);
        require(batchSize >= 1 && batchSize <= 1 << 20, "batch size must be in 1..1048576, got " + batchSize);
        require(learningRate > 0 && learningRate < 1, "learning rate must be in (0, 1), got " + learningRate);
        require(embeddingSize >= 1 && embeddingSize <= 1024, "embedding size must be in 1..1024, got " + embeddingSize);
        require(hidden.length >= 1 && Arrays.stream(hidden).allMatch(h -> h >= 1 && h <= 8192),
                "hidden layer widths must be in 1..8192, got " + Arrays.toString(hidden));
        require(l2 >= 0, "l2 must not be negative, got " + l2);
        require(retrievalWeight >= 0, "retrieval weight must not be negative, got " + retrievalWeight);
        require(negatives >= 0 && negatives <= 1 << 16, "negatives must be in 0..65536 (0: full softmax), got " + negatives);
        require(retrievalScale > 0, "retrieval scale must be positive, got " + retrievalScale);
        require(patience >= 1, "patience must be at least 1, got " + patience);
        require(historyDropout >= 0 && historyDropout < 1, "history dropout must be in [0, 1), got " + historyDropout);
        require(retrievalL2 >= 0, "retrieval l2 must not be negative, got " + retrievalL2);
        require(history >= 0 && history <= 4096, "history must be in 0..4096, got " + history);
        hidden = hidden.clone();
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
        m.put("embeddingSize", embeddingSize);
        m.put("hidden", Arrays.stream(hidden).boxed().toList());
        m.put("l2", l2);
        m.put("retrievalWeight", retrievalWeight);
        m.put("negatives", negatives);
        m.put("retrievalScale", retrievalScale);
        m.put("patience", patience);
        m.put("history", history);
        m.put("retrievalL2", retrievalL2);
        m.put("historyDropout", historyDropout);
        m.put("oovShare", OOV_SHARE);
        m.put("seed", seed);
        m.put("device", device.name().toLowerCase());
        return m;
    }
}
