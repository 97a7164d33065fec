package io.recommender.training.eval;

import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
     * Mean recall@10 and NDCG@10 of ready-made top lists (item indices, best first; -1 for an item outside this
     * split's catalogue, which is never relevant), over the same users as {@link #ranking}.
     */
    public Ranking rankingOfTopLists(IntFunction<int[]> topOfUser) {
        double recall = 0;
        double ndcg = 0;
        int users = 0;
        for (int u = 0; u < ratings.userCount(); u++) {
            if (relevantTest[u].length == 0) {
                continue;
            }
            int[] top = topOfUser.apply(u);
            recall += RankingMetrics.recall(top, relevantTest[u]);
            ndcg += RankingMetrics.ndcg(top, relevantTest[u], K);
            users++;
        }
        return users == 0 ? new Ranking(0, 0, 0) : new Ranking(recall / users, ndcg / users, users);
    }

    public record Ranking(double recallAt10, double ndcgAt10, int users) {}

    private static int[][] itemsPerUser(Ratings ratings, int[] rows, float minRating) {
        List<List<Integer>> lists = new ArrayList<>();
        for (int u = 0; u < ratings.userCount(); u++) {
            lists.add(new ArrayList<>());
        }
        for (int r : rows) {
            if (ratings.rating(r) >= minRating) {
                lists.get(ratings.user(r)).add(ratings.item(r));
            }
        }
        int[][] out = new int[ratings.userCount()][];
        for (int u = 0; u < out.length; u++) {
            out[u] = lists.get(u).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return out;
    }

}
