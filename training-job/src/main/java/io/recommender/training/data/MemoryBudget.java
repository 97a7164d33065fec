package io.recommender.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Whether a data set can be trained in this container's memory, judged from the size of {@code ratings.csv} before
 * a byte of it is parsed: a pod that would be OOM-killed an hour in fails at once instead, saying what it needs.
 * The need grows with the ratings (columns, split, training examples and targets on the Java heap) and with the
 * users and movies they bring (feature tables and both heads' parameters with their Adam and average state in
 * TensorFlow's memory, counted per rating too, as users and movies come in MovieLens's proportions); the
 * coefficients are the peaks measured on generated ml-25m-shaped data (docs/scaling.md).
 */
public record MemoryBudget(long fileBytes, long ratings, long heapBytes, long totalBytes) {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    /** Java heap: fixed, and per rating (measured, docs/scaling.md). */
    static final long HEAP_FIXED = 256 * MIB;
    static final long HEAP_PER_RATING = 120;
    /** Outside the heap (TensorFlow, the JVM itself): fixed, and per rating (measured, docs/scaling.md). */
    static final long NATIVE_FIXED = 512 * MIB;
    static final long NATIVE_PER_RATING = 100;
    /** Bytes of ratings.csv read to learn the mean row length. */
    static final int SAMPLE = 1 << 20;

    /** The estimate for a {@code ratings.csv}: its size over the mean length of the rows in its first megabyte. */
    public static MemoryBudget of(Path ratingsCsv) throws IOException {
        long size = Files.size(ratingsCsv);
        byte[] head;
        try (InputStream in = Files.newInputStream(ratingsCsv)) {
            head = in.readNBytes(SAMPLE);
        }
        int firstRow = 0;
        while (firstRow < head.length && head[firstRow] != '\n') {
            firstRow++;
        }
        int rows = 0;
        int last = firstRow;
        for (int i = firstRow + 1; i < head.length; i++) {
            if (head[i] == '\n') {
                rows++;
                last = i;
            }
        }
        long ratings = rows == 0 ? 0 : Math.round((double) (size - firstRow - 1) * rows / (last - firstRow));
        return of(size, ratings);
    }

    static MemoryBudget of(long fileBytes, long ratings) {
        return new MemoryBudget(fileBytes, ratings, HEAP_FIXED + HEAP_PER_RATING * ratings,
                HEAP_FIXED + NATIVE_FIXED + (HEAP_PER_RATING + NATIVE_PER_RATING) * ratings);
    }

    /**
     * @param maxHeap the JVM's heap limit ({@link Runtime#maxMemory})
     * @param limit the container's memory limit, if it has one ({@link #containerLimit})
     * @throws IllegalStateException when the estimate passes either, saying by how much and what to change
     */
    public void check(long maxHeap, OptionalLong limit) {
        String data = String.format(Locale.ROOT, "ratings.csv (%s, about %.1f million ratings)", size(fileBytes),
                ratings / 1e6);
        if (limit.isPresent() && totalBytes > limit.getAsLong()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s needs about %s of memory to train (Java"
                    + " heap and TensorFlow's), more than this container's limit of %s: give the training pod at least"
                    + " %dGi (spec.model.training.resources.limits.memory)", data, size(totalBytes),
                    size(limit.getAsLong()), (totalBytes + GIB - 1) / GIB));
        }
        if (heapBytes > maxHeap) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s needs about %s of Java heap to train, more"
                    + " than this JVM's %s: raise -Xmx (in a pod, the memory limit: the heap is a share of it)", data,
                    size(heapBytes), size(maxHeap)));
        }
    }

    /** The memory limit of this process's cgroup (v2 {@code memory.max}, else v1), if any. */
    public static OptionalLong containerLimit(Path cgroupRoot) {
        for (Path p : new Path[] {cgroupRoot.resolve("memory.max"), cgroupRoot.resolve("memory/memory.limit_in_bytes")}) {
            try {
                String v = Files.readString(p).trim();
                if (v.equals("max")) {
                    return OptionalLong.empty();
                }
                long bytes = Long.parseLong(v);
                // cgroup v1 writes a page-rounded Long.MAX_VALUE for "no limit".
                return bytes >= 1L << 60 ? OptionalLong.empty() : OptionalLong.of(bytes);
            } catch (IOException | NumberFormatException e) {
                // not this layout
            }
        }
        return OptionalLong.empty();
    }

    static String size(long bytes) {
        return bytes >= GIB ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB)
                : String.format(Locale.ROOT, "%d MiB", bytes / MIB);
    }
}
