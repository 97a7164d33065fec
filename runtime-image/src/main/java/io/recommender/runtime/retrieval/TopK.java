package io.recommender.runtime.retrieval;

import java.util.Arrays;

/**
 * A bounded min-heap kept directly in the caller's output arrays (root = the worst kept item), so a top-K
 * search allocates nothing. Worse means lower score, or equal score and higher row.
 */
final class TopK {
    private TopK() {}

    static boolean isExcluded(int[] excluded, int row) {
        return excluded.length != 0 && Arrays.binarySearch(excluded, row) >= 0;
    }

    /** Offers (score, row) to a heap of {@code size} entries with capacity {@code k}; returns the new size. */
    static int offer(float[] scores, int[] rows, int size, int k, float score, int row) {
        if (size < k) {
            int i = size;
            scores[i] = score;
            rows[i] = row;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(scores, rows, i, parent)) {
                    break;
                }
                swap(scores, rows, i, parent);
                i = parent;
            }
            return size + 1;
        }
        if (score > scores[0] || (score == scores[0] && row < rows[0])) {
            scores[0] = score;
            rows[0] = row;
            siftDown(scores, rows, 0, size);
        }
        return size;
    }

    /** The score an item must beat to enter a full heap; -infinity while it is not full. */
    static float threshold(float[] scores, int size, int k) {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** Turns the heap into a list ordered best first. */
    static void sortDescending(float[] scores, int[] rows, int size) {
        for (int end = size - 1; end > 0; end--) {
            swap(scores, rows, 0, end);
            siftDown(scores, rows, 0, end);
        }
    }

    private static void siftDown(float[] scores, int[] rows, int i, int size) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(scores, rows, right, left)) {
                worst = right;
            }
            if (!worse(scores, rows, worst, i)) {
                return;
            }
            swap(scores, rows, i, worst);
            i = worst;
        }
    }

    private static boolean worse(float[] scores, int[] rows, int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && rows[a] > rows[b]);
    }

    private static void swap(float[] scores, int[] rows, int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int r = rows[a];
        rows[a] = rows[b];
        rows[b] = r;
    }
}
