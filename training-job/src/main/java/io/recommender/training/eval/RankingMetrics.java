package io.recommender.training.eval;

import java.util.Arrays;

/**
 * Top-K ranking quality. For one user: rank every item except those the user rated in training, take the
 * top K, and compare with the user's relevant held-out items (held-out rating >= {@link #RELEVANT}).
 * recall@K = hits / number of relevant items; NDCG@K = DCG of the hits (binary gain, log2 discount) divided
 * by the DCG of an ideal list. Users without relevant held-out items are left out of the averages.
 */
public final class RankingMetrics {
    public static final float RELEVANT = 4.0f;

    private RankingMetrics() {}

    /** The {@code k} highest-scoring item indices, best first, skipping {@code excluded} (sorted ascending). */
    public static int[] topK(float[] scores, int[] excluded, int k) {
        return topK(scores, 0, scores.length, excluded, k);
    }

    /** As {@link #topK(float[], int[], int)} over {@code scores[from .. from + items)}, item i at {@code from + i}. */
    public static int[] topK(float[] scores, int from, int items, int[] excluded, int k) {
        int[] best = new int[k];
        float[] bestScore = new float[k];
        int n = 0;
        for (int i = 0; i < items; i++) {
            float s = scores[from + i];
            if (n == k && s <= bestScore[k - 1] || Arrays.binarySearch(excluded, i) >= 0) {
                continue;
            }
            int pos = n < k ? n++ : k - 1;
            // Ties keep the lower index first, so the ranking is deterministic.
            while (pos > 0 && bestScore[pos - 1] < s) {
                best[pos] = best[pos - 1];
                bestScore[pos] = bestScore[pos - 1];
                pos--;
            }
            best[pos] = i;
            bestScore[pos] = s;
        }
        return Arrays.copyOf(best, n);
    }

    public static double recall(int[] ranked, int[] relevant) {
        return relevant.length == 0 ? 0 : (double) hits(ranked, relevant) / relevant.length;
    }

    public static double ndcg(int[] ranked, int[] relevant, int k) {
        double dcg = 0;
        for (int r = 0; r < Math.min(k, ranked.length); r++) {
            if (contains(relevant, ranked[r])) {
                dcg += 1 / log2(r + 2);
            }
        }
        double ideal = 0;
        for (int r = 0; r < Math.min(k, relevant.length); r++) {
            ideal += 1 / log2(r + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static int hits(int[] ranked, int[] relevant) {
        int h = 0;
        for (int item : ranked) {
            if (contains(relevant, item)) {
                h++;
            }
        }
        return h;
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
