package io.recommender.training.model;

/** Arithmetic on rows of flat row-major arrays. */
public final class Vectors {
    private Vectors() {}

    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        float s = 0;
        for (int k = 0; k < n; k++) {
            s += a[aOffset + k] * b[bOffset + k];
        }
        return s;
    }

    /** Appends one column to each row: {@code [row, c]}. */
    static float[] append(float[] rows, int width, float[] col) {
        int n = rows.length / width;
        float[] out = new float[n * (width + 1)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * width, out, r * (width + 1), width);
            out[r * (width + 1) + width] = col[r];
        }
        return out;
    }

    /** Appends two columns to each row: {@code [row, c1, c2]}. */
    static float[] augment(float[] rows, int width, float[] col1, float[] col2) {
        int n = rows.length / width;
        float[] out = new float[n * (width + 2)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * width, out, r * (width + 2), width);
            out[r * (width + 2) + width] = col1[r];
            out[r * (width + 2) + width + 1] = col2[r];
        }
        return out;
    }
}
