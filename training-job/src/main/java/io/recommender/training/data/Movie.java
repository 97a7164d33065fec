package io.recommender.training.data;

import java.util.List;

/**
 * One row of {@code movies.csv}.
 *
 * @param year release year parsed from the title's trailing "(YYYY)", or 0 when the title has none
 */
public record Movie(int movieId, String title, List<String> genres, int year) {}
