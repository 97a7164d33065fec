package io.recommender.training.cli;

import io.recommender.contracts.features.MaterializeResult;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.featurestore.Genres;
import io.recommender.featurestore.KeyLayout;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.training.data.CsvRows;
import io.recommender.training.data.DataFormatException;
import io.recommender.training.data.DatasetSource;
import io.recommender.training.data.Movie;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.ResolvedDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code training-job materialize}: the feature store's initial load. Every user's raw state (feature-store's
 * {@link UserState}) is built from the ratings by the same replay training uses and written to Redis in
 * bulk, pipelined; each user's keys are replaced whole, so running it twice gives the same keys. The movie
 * catalog (movie id -> genres) the service needs for live events is written with it.
 */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        description = "Write every user's feature-store state (rating counts and sums, per genre too, and the rated "
                + "movies with their ratings and times) from MovieLens ratings into Redis, in bulk.")
final class MaterializeCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "MovieLens data (movies.csv, ratings.csv), as for train: "
            + "a directory, bundled:<name>, an http(s):// URL or s3://bucket/prefix")
    String data;

    @Option(names = "--download-dir", defaultValue = "${sys:java.io.tmpdir}", description = "where a downloaded "
            + "dataset goes, in a folder deleted after the run (${DEFAULT-VALUE})")
    Path downloadDir;

    @Option(names = "--redis", required = true, description = "redis://[user:password@]host:port[/db] or rediss://...; "
            + "a Redis Cluster node's address loads the whole cluster")
    String redis;

    @Option(names = "--prefix", defaultValue = KeyLayout.DEFAULT_PREFIX, description = "key prefix (${DEFAULT-VALUE}); "
            + "no braces")
    String prefix;

    @Option(names = "--max-history", defaultValue = "" + UserStates.DEFAULT_MAX_HISTORY, description = "most rated "
            + "movies kept per user, newest first (${DEFAULT-VALUE}); the service must use the same")
    int maxHistory;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "bound on each Redis call of the bulk "
            + "load (${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--result-file", description = "where the counts go as one line of JSON ({\"users\":..,"
            + "\"ratings\":..,\"movies\":..}; on failure a one-line reason); in a Kubernetes Job: /dev/termination-log")
    Path resultFile;

    /** The password from a Secret, as the service takes it; it wins over one in --redis and is never printed. */
    static final String PASSWORD_ENV = "RECOMMENDER_REDIS_PASSWORD";

    @Override
    public Integer call() throws Exception {
        try {
            return load();
        } catch (IOException | RuntimeException e) {
            PackageCommand.writeResult(resultFile, "materialize failed: " + e.getMessage());
            throw e;
        }
    }

    private int load() throws IOException {
        PrintStream o = System.out;
        String password = System.getenv(PASSWORD_ENV);
        RedisSettings settings = new RedisSettings(redis, prefix, Duration.ofMillis(timeoutMs), Duration.ofSeconds(5),
                maxHistory, RedisSettings.DEFAULT_STREAM_MAX_LEN, password == null || password.isEmpty() ? null : password);
        // Connecting (a cold JVM loads Netty and Lettuce) overlaps with reading the ratings.
        long t0 = System.nanoTime();
        CompletableFuture<LettuceUserStateStore> connecting =
                CompletableFuture.supplyAsync(() -> LettuceUserStateStore.connect(settings));
        try (ResolvedDataset dataset = DatasetSource.standard(o).resolve(data, downloadDir)) {
            Movie[] movies = MovieLensReader.readMovies(dataset.directory().resolve(MovieLensReader.MOVIES));
            Map<Integer, Integer> genres = new HashMap<>(movies.length * 2);
            for (Movie m : movies) {
                genres.put(m.movieId(), Genres.mask(m.genres()));
            }
            List<Event> events = readEvents(dataset.directory().resolve(MovieLensReader.RATINGS), genres);
            Map<Integer, UserState> states = UserStates.replay(events, maxHistory);
            long t1 = System.nanoTime();
            long written;
            long connected;
            long catalogued;
            try (LettuceUserStateStore store = connected(connecting)) {
                connected = System.nanoTime();
                store.writeCatalog(genres);
                catalogued = System.nanoTime();
                written = store.writeAll(states.values());
            } catch (FeatureStoreException e) {
                System.err.println("error: " + e.getMessage());
                PackageCommand.writeResult(resultFile, e.getMessage());
                return TrainingJobCommand.FAILED;
            }
            long t2 = System.nanoTime();
            double seconds = (t2 - t0) / 1e9;
            o.printf("materialized %d users, %d ratings (%d in histories), %d movies into %s, prefix '%s'%n",
                    states.size(), events.size(), written, movies.length, settings.safeUrl(), prefix);
            o.printf("%.3f s = %.0f ratings/s: read and replay %.3f s (connecting meanwhile), then waiting for the "
                    + "connection %.3f s, catalog %.3f s, users' states %.3f s = %.0f ratings/s%n", seconds,
                    events.size() / seconds, (t1 - t0) / 1e9, (connected - t1) / 1e9, (catalogued - connected) / 1e9,
                    (t2 - catalogued) / 1e9, written / ((t2 - catalogued) / 1e9));
            PackageCommand.writeResult(resultFile, new MaterializeResult(states.size(), events.size(), movies.length)
                    .toJson());
            return 0;
        } catch (IOException | RuntimeException e) {
            connecting.thenAccept(LettuceUserStateStore::close);
            throw e;
        }
    }

    private static LettuceUserStateStore connected(CompletableFuture<LettuceUserStateStore> connecting) {
        try {
            return connecting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof FeatureStoreException f ? f : e;
        }
    }

    /** ratings.csv with its timestamps, checked as the training reader checks it. */
    static List<Event> readEvents(Path file, Map<Integer, Integer> genres) throws IOException {
        List<Event> events = new ArrayList<>();
        try (CsvRows rows = CsvRows.open(file, "userId", "movieId", "rating", "timestamp")) {
            for (String[] row; (row = rows.next()) != null; ) {
                int userId = rows.parseInt(row, 0, "userId");
                int movieId = rows.parseInt(row, 1, "movieId");
                double rating = rows.parseDouble(row, 2, "rating");
                int halfStars = Event.halfStarsOf(rating);
                if (halfStars < 0) {
                    throw rows.error("rating " + row[rows.column(2)] + " is not one of 0.5, 1.0, ... 5.0");
                }
                Integer mask = genres.get(movieId);
                if (mask == null) {
                    throw rows.error("movie " + movieId + " is not in " + MovieLensReader.MOVIES);
                }
                if (userId < 0) {
                    throw rows.error("userId " + userId + " is negative");
                }
                String ts = row[rows.column(3)].trim();
                long time;
                try {
                    time = Long.parseLong(ts);
                } catch (NumberFormatException e) {
                    throw rows.error("timestamp '" + ts + "' is not whole epoch seconds");
                }
                if (time < 0 || time > Event.MAX_TIME) {
                    throw rows.error("timestamp " + time + " is out of range");
                }
                events.add(new Event(userId, movieId, halfStars, time, mask));
            }
        }
        if (events.isEmpty()) {
            throw new DataFormatException(file, 0, "no ratings after the header");
        }
        return events;
    }
}
