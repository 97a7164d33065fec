package io.recommender.training.model;

import io.recommender.training.eval.RankingMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Validation recall@10 of the retrieval head, defined as the test metric is (see {@link RankingMetrics}): each
 * user's training items excluded, relevant = validation rating >= 4, recall = hits / the user's relevant
 * validation items, averaged over users with at least one. Early stopping and tuning watch this figure, never
 * the test split's. At most {@link #MAX_USERS} users (the lowest user indices) are scored, which bounds its cost
 * on large data.
 */
final class ValidationRanking {
    static final int MAX_USERS = 5000;
    static final int K = 10;

    private final int[] users;
    private final int[][] excluded;
    private final int[][] relevant;

    private ValidationRanking(int[] users, int[][] excluded, int[][] relevant) {
        this.users = users;
        this.excluded = excluded;
        this.relevant = relevant;
    }

    static ValidationRanking of(TwoTowerTrainer.Examples train, TwoTowerTrainer.Examples validation, int userCount) {
        List<List<Integer>> rel = new ArrayList<>();
        for (int u = 0; u < userCount; u++) {
            rel.add(new ArrayList<>());
        }
        for (int k = 0; k < validation.size(); k++) {
            if (validation.ratings()[k] >= RankingMetrics.RELEVANT) {
                rel.get(validation.users()[k]).add(validation.items()[k]);
            }
        }
        int[] chosen = java.util.stream.IntStream.range(0, userCount).filter(u -> !rel.get(u).isEmpty())
                .limit(MAX_USERS).toArray();
        int[] slot = new int[userCount];
        Arrays.fill(slot, -1);
        for (int k = 0; k < chosen.length; k++) {
            slot[chosen[k]] = k;
        }
        List<List<Integer>> seen = new ArrayList<>();
        for (int k = 0; k < chosen.length; k++) {
            seen.add(new ArrayList<>());
        }
        for (int k = 0; k < train.size(); k++) {
            int s = slot[train.users()[k]];
            if (s >= 0) {
                seen.get(s).add(train.items()[k]);
            }
        }
        int[][] excluded = new int[chosen.length][];
        int[][] relevant = new int[chosen.length][];
        for (int k = 0; k < chosen.length; k++) {
            excluded[k] = seen.get(k).stream().mapToInt(Integer::intValue).sorted().toArray();
            relevant[k] = rel.get(chosen[k]).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return new ValidationRanking(chosen, excluded, relevant);
    }

    int users() {
        return users.length;
    }

    /**
     * Mean validation recall@10 of the scores {@code scorer} computes for a chunk of user indices (at most
     * {@code chunk}): {@code [chunk users, items]}, row-major.
     */
    double recall(Function<int[], float[]> scorer, int items, int chunk) {
        double sum = 0;
        float[] row = new float[items];
        for (int from = 0; from < users.length; from += chunk) {
            int to = Math.min(users.length, from + chunk);
            float[] scores = scorer.apply(Arrays.copyOfRange(users, from, to));
            for (int k = from; k < to; k++) {
                System.arraycopy(scores, (k - from) * items, row, 0, items);
                sum += RankingMetrics.recall(RankingMetrics.topK(row, excluded[k], K), relevant[k]);
            }
        }
        return users.length == 0 ? 0 : sum / users.length;
    }
}
