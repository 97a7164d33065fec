package io.recommender.training.features;

/**
 * Tower inputs, one row per user and per item, row-major. Column 0 of each row is the dense index (as a
 * float, exact below 2^24) that the tower looks its ID embedding up with; the rest are side features.
 */
public record Features(float[] userRows, int userWidth, float[] itemRows, int itemWidth) {
    public int users() {
        return userRows.length / userWidth;
    }

    public int items() {
        return itemRows.length / itemWidth;
    }
}
