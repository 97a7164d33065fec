package io.recommender.featurestore;

import java.util.List;

/**
 * The genres a user's per-genre rating counts and sums are kept for: MovieLens's genre list, in this order,
 * defined once here (training's feature code reads the same list). A movie's genres are a bit mask: bit
 * {@code g} set when the movie has {@code ALL.get(g)}; genres not in the list (and "(no genres listed)") have
 * no bit.
 */
public final class Genres {
    public static final List<String> ALL = List.of("Action", "Adventure", "Animation", "Children", "Comedy",
            "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery",
            "Romance", "Sci-Fi", "Thriller", "War", "Western");
    public static final int COUNT = ALL.size();

    private Genres() {}

    /** The bit mask of the known genres among {@code genres}. */
    public static int mask(List<String> genres) {
        int mask = 0;
        for (String genre : genres) {
            int g = ALL.indexOf(genre);
            if (g >= 0) {
                mask |= 1 << g;
            }
        }
        return mask;
    }

    /** The genre indices set in {@code mask}, ascending. */
    public static int[] indices(int mask) {
        int[] out = new int[Integer.bitCount(mask & ((1 << COUNT) - 1))];
        int n = 0;
        for (int g = 0; g < COUNT; g++) {
            if ((mask & (1 << g)) != 0) {
                out[n++] = g;
            }
        }
        return out;
    }
}
