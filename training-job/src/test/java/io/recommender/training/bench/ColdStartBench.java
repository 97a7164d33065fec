package io.recommender.training.bench;

import io.recommender.bundle.FloatTable;
import io.recommender.bundle.Manifest;
import io.recommender.bundle.ModelBundle;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.Genres;
import io.recommender.featurestore.RatedItem;
import io.recommender.featurestore.UserFeatures;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.savedmodel.SavedModelRunner;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.eval.RankingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Cold-start quality of the live-features path (issue #14). {@code split DATA OUT [share] [seed]}: holds out a share
 * of the users entirely (default 10 %), writing {@code OUT/data} (movies.csv, ratings.csv without them) and
 * {@code OUT/heldout.txt}. {@code evaluate BUNDLE DATA HELDOUT [first]}: for each held-out user, their first
 * {@code first} ratings (oldest; default 5) become their feature-store state as events would make it, the service's
 * code ({@link UserFeatures} with the manifest's parameters, the out-of-vocabulary ID) makes the row, the bundle's
 * user tower the embedding; recall@10 and NDCG@10 of the top 10 (those first movies excluded) on their remaining
 * ratings (relevant: >= 4 stars), next to most-popular (the bundle's popularity, same exclusion) on the same users.
 */
public final class ColdStartBench {
    private ColdStartBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("split")) {
            split(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Double.parseDouble(args[3]) : 0.1,
                    args.length > 4 ? Long.parseLong(args[4]) : 7);
        } else if (args.length >= 4 && args[0].equals("evaluate")) {
            evaluate(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 5);
        } else {
            System.err.println("usage: ColdStartBench split DATA OUT [share] [seed] | evaluate BUNDLE DATA HELDOUT [first]");
            System.exit(2);
        }
    }

    static void split(Path data, Path out, double share, long seed) throws IOException {
        List<String> lines = Files.readAllLines(data.resolve(MovieLensReader.RATINGS));
        TreeSet<Integer> users = new TreeSet<>();
        for (String line : lines.subList(1, lines.size())) {
            users.add(Integer.parseInt(line.substring(0, line.indexOf(','))));
        }
        List<Integer> all = new ArrayList<>(users);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = all.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        TreeSet<Integer> held = new TreeSet<>(all.subList(0, (int) Math.round(all.size() * share)));
        Path dir = out.resolve("data");
        Files.createDirectories(dir);
        Files.copy(data.resolve(MovieLensReader.MOVIES), dir.resolve(MovieLensReader.MOVIES),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> kept = new ArrayList<>(lines.size());
        kept.add(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            if (!held.contains(Integer.parseInt(line.substring(0, line.indexOf(','))))) {
                kept.add(line);
            }
        }
        Files.write(dir.resolve(MovieLensReader.RATINGS), kept);
        Files.writeString(out.resolve("heldout.txt"), held.stream().map(String::valueOf).collect(Collectors.joining("\n")) + "\n");
        System.out.printf(Locale.ROOT, "held out %d of %d users (%d ratings); training data %s has %d ratings%n",
                held.size(), users.size(), lines.size() - kept.size(), dir, kept.size() - 1);
    }

    static void evaluate(Path bundleDir, Path data, Path heldOutFile, int first) throws IOException {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        Manifest.UserFeatures uf = bundle.manifest().userFeatures();
        if (uf == null) {
            throw new IllegalArgumentException(bundleDir + " has no userFeatures");
        }
        UserFeatures transform = new UserFeatures(new UserFeatures.Parameters(uf.historyLength(), uf.genreShrinkage(),
                uf.globalMean(), uf.columnMean(), uf.columnStd(), uf.oovIndex(), uf.maxHistory()));
        FloatTable items = bundle.items();
        Map<Integer, Integer> rowOf = new HashMap<>();
        for (int r = 0; r < items.rows(); r++) {
            rowOf.put(items.ids()[r], r);
        }
        float[] popularity = bundle.itemPopularity().values();
        TreeSet<Integer> held = new TreeSet<>();
        for (String line : Files.readAllLines(heldOutFile)) {
            if (!line.isBlank()) {
                held.add(Integer.parseInt(line.trim()));
            }
        }
        Ratings ratings = MovieLensReader.read(data);
        Map<Integer, List<Event>> byUser = new HashMap<>();
        for (int r = 0; r < ratings.size(); r++) {
            int userId = ratings.userId(ratings.user(r));
            if (held.contains(userId)) {
                var movie = ratings.movie(ratings.item(r));
                byUser.computeIfAbsent(userId, u -> new ArrayList<>()).add(new Event(userId, movie.movieId(),
                        ratings.halfStars(r), ratings.time(r), Genres.mask(movie.genres())));
            }
        }
        int d = items.cols();
        float[] embedding = new float[d];
        double modelRecall = 0;
        double modelNdcg = 0;
        double popRecall = 0;
        double popNdcg = 0;
        int evaluated = 0;
        int tooFew = 0;
        try (SavedModelRunner tower = SavedModelRunner.load(bundle.savedModelDir(), bundle.manifest().embedding().signature(), 1)) {
            for (int userId : held) {
                List<Event> events = byUser.getOrDefault(userId, List.of());
                List<Event> ordered = new ArrayList<>(events);
                ordered.sort((a, b) -> RatedItem.OLDEST_FIRST.compare(new RatedItem(a.movieId(), a.halfStars(), a.time()),
                        new RatedItem(b.movieId(), b.halfStars(), b.time())));
                if (ordered.size() <= first) {
                    tooFew++;
                    continue;
                }
                List<Event> given = ordered.subList(0, first);
                UserState state = UserStates.replay(given).get(userId);
                float[] row = transform.row(state, -1, m -> rowOf.getOrDefault(m, -1));
                tower.runOne(row, embedding);
                int[] seen = given.stream().mapToInt(e -> rowOf.getOrDefault(e.movieId(), -1)).filter(r -> r >= 0)
                        .sorted().toArray();
                int[] relevant = ordered.subList(first, ordered.size()).stream()
                        .filter(e -> e.halfStars() / 2f >= RankingMetrics.RELEVANT)
                        .mapToInt(e -> rowOf.getOrDefault(e.movieId(), -1)).filter(r -> r >= 0)
                        .filter(r -> Arrays.binarySearch(seen, r) < 0).distinct().sorted().toArray();
                if (relevant.length == 0) {
                    continue;
                }
                float[] scores = new float[items.rows()];
                for (int r = 0; r < scores.length; r++) {
                    float s = 0;
                    for (int j = 0; j < d; j++) {
                        s += embedding[j] * items.get(r, j);
                    }
                    scores[r] = s;
                }
                int[] top = RankingMetrics.topK(scores, seen, 10);
                int[] popular = RankingMetrics.topK(popularity, seen, 10);
                modelRecall += RankingMetrics.recall(top, relevant);
                modelNdcg += RankingMetrics.ndcg(top, relevant, 10);
                popRecall += RankingMetrics.recall(popular, relevant);
                popNdcg += RankingMetrics.ndcg(popular, relevant, 10);
                evaluated++;
            }
        }
        Manifest.Metrics warm = bundle.manifest().metrics();
        System.out.printf(Locale.ROOT, "cold start: %d held-out users never seen in training, first %d ratings given as "
                + "events, evaluated on the %d with a relevant (>= %.1f) later rating (%d had <= %d ratings)%n",
                held.size(), first, evaluated, RankingMetrics.RELEVANT, tooFew, first);
        System.out.printf(Locale.ROOT, "  model (live features, out-of-vocabulary ID): recall@10 %.4f, NDCG@10 %.4f%n",
                modelRecall / evaluated, modelNdcg / evaluated);
        System.out.printf(Locale.ROOT, "  most popular, same users:                      recall@10 %.4f, NDCG@10 %.4f%n",
                popRecall / evaluated, popNdcg / evaluated);
        if (warm != null) {
            System.out.printf(Locale.ROOT, "warm users (the bundle's own test split): model recall@10 %.4f, NDCG@10 %.4f;"
                    + " most popular recall@10 %.4f, NDCG@10 %.4f%n", warm.recallAt10(), warm.ndcgAt10(),
                    warm.baselines().mostPopularRecallAt10(), warm.baselines().mostPopularNdcgAt10());
        }
    }
}
