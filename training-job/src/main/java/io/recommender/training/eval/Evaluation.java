package io.recommender.training.eval;

import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Evaluates scorers on the held-out test ratings of a split: RMSE of predicted ratings and top-10 ranking
 * quality over all items, training items excluded.
 */
public final class Evaluation {
    public static final int K = 10;

    private final Ratings ratings;
    private final Split split;
    private final int[][] trainItems;
    private final int[][] relevantTest;

    public Evaluation(Ratings ratings, Split split) {
        this.ratings = ratings;
        this.split = split;
        this.trainItems = itemsPerUser(ratings, split.train(), 0f);
        this.relevantTest = itemsPerUser(ratings, split.test(), RankingMetrics.RELEVANT);
    }

    /** Whether the user is in the ranking metrics: they have a relevant held-out rating. */
    public boolean hasRelevantTest(int user) {
        return relevantTest[user].length > 0;
    }

    /** Items each user rated in training, sorted: what recommendations exclude. */
    public int[][] trainItems() {
        return trainItems;
    }

    public float[] testRatings() {
        return ratingsOf(split.test());
    }

    public float[] ratingsOf(int[] rows) {
        float[] y = new float[rows.length];
        for (int j = 0; j < rows.length; j++) {
            y[j] = ratings.rating(rows[j]);
        }
        return y;
    }

    /** RMSE of {@code predicted}, which holds one prediction per test rating in split order. */
    public double rmse(float[] predicted) {
        return RatingMetrics.rmse(predicted, testRatings());
    }

    /** Mean recall@10 and NDCG@10 of a scorer that gives one score per item for a dense user index. */
    public Ranking ranking(IntFunction<float[]> scoresOfUser) {
        return rankingOfTopLists(u -> RankingMetrics.topK(scoresOfUser.apply(u), trainItems[u], K));
    }

    /**
     * As {@link #ranking(IntFunction)}, for a scorer that scores a chunk of users at once ({@code [chunk users,
     * items]}, row-major, as a matrix product does): the evaluated users go through it {@code chunk} at a time, and
     * each chunk's rows are ranked on all cores.
     */
    public Ranking ranking(Function<int[], float[]> scoresOfUsers, int items, int chunk) {
        int[] evaluated = IntStream.range(0, ratings.userCount()).filter(u -> relevantTest[u].length > 0).toArray();
        double[] recall = new double[evaluated.length];
        double[] ndcg = new double[evaluated.length];
        for (int from = 0; from < evaluated.length; from += chunk) {
            int to = Math.min(evaluated.length, from + chunk);
            int first = from;
            float[] scores = scoresOfUsers.apply(Arrays.copyOfRange(evaluated, from, to));
            IntStream.range(from, to).parallel().forEach(k -> {
                int u = evaluated[k];
                int[] top = RankingMetrics.topK(scores, (k - first) * items, items, trainItems[u], K);
                recall[k] = RankingMetrics.recall(top, relevantTest[u]);
                ndcg[k] = RankingMetrics.ndcg(top, relevantTest[u], K);
            });
        }
        return mean(recall, ndcg);
    }

    /**
     * Mean recall@10 and NDCG@10 of ready-made top lists (item indices, best first; -1 for an item outside this
     * split's catalogue, which is never relevant), over the same users as {@link #ranking}.
     */
    public Ranking rankingOfTopLists(IntFunction<int[]> topOfUser) {
        int[] evaluated = IntStream.range(0, ratings.userCount()).filter(u -> relevantTest[u].length > 0).toArray();
        double[] recall = new double[evaluated.length];
        double[] ndcg = new double[evaluated.length];
        IntStream.range(0, evaluated.length).parallel().forEach(k -> {
            int[] top = topOfUser.apply(evaluated[k]);
            recall[k] = RankingMetrics.recall(top, relevantTest[evaluated[k]]);
            ndcg[k] = RankingMetrics.ndcg(top, relevantTest[evaluated[k]], K);
        });
        return mean(recall, ndcg);
    }

    /** Summed in user order whatever the threads did, so a scorer's figures do not depend on the machine. */
    private static Ranking mean(double[] recall, double[] ndcg) {
        double r = 0;
        double n = 0;
        for (int k = 0; k < recall.length; k++) {
            r += recall[k];
            n += ndcg[k];
        }
        return recall.length == 0 ? new Ranking(0, 0, 0)
                : new Ranking(r / recall.length, n / recall.length, recall.length);
    }

    public record Ranking(double recallAt10, double ndcgAt10, int users) {}

    /** Counted first, then filled: no boxed item per rating (25 million of them at ml-25m size). */
    private static int[][] itemsPerUser(Ratings ratings, int[] rows, float minRating) {
        int[] count = new int[ratings.userCount()];
        for (int r : rows) {
            if (ratings.rating(r) >= minRating) {
                count[ratings.user(r)]++;
            }
        }
        int[][] out = new int[ratings.userCount()][];
        for (int u = 0; u < out.length; u++) {
            out[u] = new int[count[u]];
        }
        int[] filled = new int[out.length];
        for (int r : rows) {
            if (ratings.rating(r) >= minRating) {
                int u = ratings.user(r);
                out[u][filled[u]++] = ratings.item(r);
            }
        }
        for (int[] items : out) {
            Arrays.sort(items);
        }
        return out;
    }

}
