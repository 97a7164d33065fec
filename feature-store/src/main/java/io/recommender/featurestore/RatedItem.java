package io.recommender.featurestore;

import java.util.Comparator;

/** A movie in a user's history: its rating in half-stars and the rating's time (epoch seconds). */
public record RatedItem(int movieId, int halfStars, long time) {
    /**
     * History order, oldest first: by time, then by the movie id's decimal text (Redis orders equal sorted-set
     * scores by member bytes); the first is what a full history drops.
     */
    public static final Comparator<RatedItem> OLDEST_FIRST = Comparator.comparingLong(RatedItem::time)
            .thenComparing(item -> Integer.toString(item.movieId()));
}
