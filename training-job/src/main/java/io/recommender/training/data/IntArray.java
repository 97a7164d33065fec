package io.recommender.training.data;

import java.util.Arrays;

/** Growable int array, so reading tens of millions of ratings does not box them. */
final class IntArray {
    private int[] values = new int[1024];
    private int size;

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length + (values.length >> 1));
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
