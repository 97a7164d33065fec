package io.recommender.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made MovieLens-layout files for unit tests. */
public final class TinyData {
    private TinyData() {}

    public static final String MOVIES = """
            movieId,title,genres
            10,Toy Story (1995),Adventure|Animation|Children
            20,"Heat, Again (1995)",Action|Crime
            30,No Year,(no genres listed)
            40,Drama Piece (2001),Drama
            """;

    public static final String RATINGS = """
            userId,movieId,rating,timestamp
            1,10,4.0,1
            1,20,5.0,2
            1,30,3.0,3
            2,10,2.0,4
            2,40,4.5,5
            """;

    public static Path write(Path dir, String movies, String ratings) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("movies.csv"), movies);
        Files.writeString(dir.resolve("ratings.csv"), ratings);
        return dir;
    }

    public static Path write(Path dir) throws IOException {
        return write(dir, MOVIES, RATINGS);
    }
}
