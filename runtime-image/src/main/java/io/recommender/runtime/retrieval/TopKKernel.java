package io.recommender.runtime.retrieval;

/**
 * Exact top-K retrieval by dot product over every item embedding. Implementations own their copy of the
 * item matrix in the layout that suits them, allocate nothing per call and are safe for concurrent calls.
 *
 * <p>Order: higher score first; equal scores by lower row. Rows are item indexes in the bundle's order. The
 * order is total and an item's score does not depend on {@code k}, so the answer for {@code k} is the first
 * {@code k} of the answer for any larger {@code k} (the service's result cache relies on it).
 */
public interface TopKKernel {
    /** Name in logs, metrics and benchmarks. */
    String name();

    int items();

    int dimension();

    /**
     * Writes the {@code k} best rows not in {@code excluded} into {@code rows[0..n)} and their scores into
     * {@code scores[0..n)}, best first, and returns {@code n} (less than {@code k} only when fewer items remain).
     *
     * @param user the user embedding, {@link #dimension()} floats
     * @param excluded rows to skip, ascending
     * @param rows output, at least {@code k} long
     * @param scores output, at least {@code k} long
     */
    int topK(float[] user, int k, int[] excluded, int[] rows, float[] scores);
}
