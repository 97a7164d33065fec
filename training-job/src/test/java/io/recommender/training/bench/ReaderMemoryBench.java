package io.recommender.training.bench;

import io.recommender.training.data.Movie;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reads a MovieLens-layout ratings file of many rows (made here, in the ml-25m shape, if absent) and prints
 * the file size, the heap in use after reading and the time: the reader's memory follows the row count
 * (about 9 bytes per rating), not the raw text.
 *
 * <p>usage: ReaderMemoryBench MOVIES_CSV RATINGS_CSV [ROWS]
 */
public final class ReaderMemoryBench {
    public static void main(String[] args) throws IOException {
        Path movies = Path.of(args[0]);
        Path ratings = Path.of(args[1]);
        long rows = args.length > 2 ? Long.parseLong(args[2]) : 25_000_000L;
        Movie[] catalogue = MovieLensReader.readMovies(movies);
        if (!Files.exists(ratings)) {
            generate(ratings, catalogue, rows);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        Ratings r = MovieLensReader.readRatings(ratings, catalogue);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf(Locale.ROOT, "file %s: %.0f MiB, %d ratings, %d users%n", ratings,
                Files.size(ratings) / 1048576.0, r.size(), r.userCount());
        System.out.printf(Locale.ROOT, "heap held by the parsed ratings: %.0f MiB (%.1f bytes per rating); max heap %d MiB%n",
                (after - before) / 1048576.0, (after - before) / (double) r.size(), rt.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "read in %.1f s (%.2f M rows/s)%n", seconds, r.size() / seconds / 1e6);
    }

    /** Ratings in the ml-25m shape: 162,541 users, a skewed choice of movies, half-star ratings. */
    static void generate(Path file, Movie[] movies, long rows) throws IOException {
        SplittableRandom rnd = new SplittableRandom(25);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("userId,movieId,rating,timestamp\n");
            StringBuilder line = new StringBuilder(48);
            for (long i = 0; i < rows; i++) {
                int user = 1 + (int) (i * 162_541 / rows);
                double u = rnd.nextDouble();
                Movie m = movies[(int) (u * u * movies.length)];
                int half = 1 + rnd.nextInt(10);
                line.setLength(0);
                line.append(user).append(',').append(m.movieId()).append(',').append(half / 2).append('.')
                        .append(half % 2 == 0 ? '0' : '5').append(',').append(1_000_000_000L + i).append('\n');
                w.append(line);
            }
        }
    }
}
