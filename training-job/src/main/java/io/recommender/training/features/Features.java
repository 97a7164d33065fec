package io.recommender.training.features;

import io.recommender.featurestore.UserFeatures;

/**
 * Tower inputs, one row per user and per item, row-major. Column 0 of each row is the dense index (as a
 * float, exact below 2^24) that the tower looks its ID embedding up with; the rest are side features.
 * {@code userFeatures}: how user rows are made from a user's state (null for rows made another way).
 */
public record Features(float[] userRows, int userWidth, float[] itemRows, int itemWidth,
        UserFeatures.Parameters userFeatures) {
    public Features(float[] userRows, int userWidth, float[] itemRows, int itemWidth) {
        this(userRows, userWidth, itemRows, itemWidth, null);
    }

    public int users() {
        return userRows.length / userWidth;
    }

    public int items() {
        return itemRows.length / itemWidth;
    }
}
