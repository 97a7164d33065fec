package io.recommender.training.cli;

import io.recommender.training.data.SyntheticMovieLens;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code training-job generate}: MovieLens-shaped data for scale runs and tests ({@link SyntheticMovieLens}). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write made-up MovieLens-shaped data (movies.csv, ratings.csv; ml-25m's size by default) with "
                + "long-tailed users and movies, genres, taste and timestamps. The same options give the same bytes.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "directory to write movies.csv and ratings.csv into")
    Path out;

    @Option(names = "--users", defaultValue = "" + SyntheticMovieLens.ML25M_USERS, description = "users (${DEFAULT-VALUE})")
    int users;

    @Option(names = "--movies", defaultValue = "" + SyntheticMovieLens.ML25M_MOVIES,
            description = "movies (${DEFAULT-VALUE})")
    int movies;

    @Option(names = "--ratings", defaultValue = "" + SyntheticMovieLens.ML25M_RATINGS,
            description = "ratings (${DEFAULT-VALUE})")
    long ratings;

    @Option(names = "--seed", defaultValue = "25", description = "random seed (${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        SyntheticMovieLens.Shape shape;
        try {
            shape = new SyntheticMovieLens.Shape(users, movies, ratings, seed);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        SyntheticMovieLens.write(shape, out);
        System.out.printf(Locale.ROOT, "wrote %d ratings of %d users on %d movies to %s in %.1f s%n", ratings, users,
                movies, out, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
