package io.recommender.bundle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The movie ids each user rated in training, in compressed-sparse-row form: user ids (ascending), row
 * offsets, and for each user its sorted movie ids.
 *
 * <p>Binary form, little-endian: magic {@code RSI1}, int32 users, int32 entries, users x int32 user ids,
 * (users + 1) x int32 offsets, entries x int32 movie ids.
 */
public final class SeenItems {
    private static final int MAGIC = 0x31495352; // "RSI1" read as little-endian int
    private static final int[] NONE = new int[0];

    private final int[] userIds;
    private final int[] offsets;
    private final int[] movieIds;

    public SeenItems(int[] userIds, int[] offsets, int[] movieIds) {
        if (offsets.length != userIds.length + 1 || offsets[0] != 0 || offsets[userIds.length] != movieIds.length) {
            throw new IllegalArgumentException("offsets do not describe " + movieIds.length + " entries");
        }
        for (int u = 1; u < userIds.length; u++) {
            if (userIds[u] <= userIds[u - 1]) {
                throw new IllegalArgumentException("user ids must be strictly ascending");
            }
        }
        this.userIds = userIds;
        this.offsets = offsets;
        this.movieIds = movieIds;
    }

    /** Builds from one movie-id array per user; each array is copied and sorted. */
    public static SeenItems of(int[] userIds, int[][] moviesPerUser) {
        Integer[] order = new Integer[userIds.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(userIds[a], userIds[b]));
        int[] sortedUsers = new int[userIds.length];
        int[] offsets = new int[userIds.length + 1];
        int total = 0;
        for (int[] m : moviesPerUser) {
            total += m.length;
        }
        int[] movies = new int[total];
        int pos = 0;
        for (int i = 0; i < order.length; i++) {
            sortedUsers[i] = userIds[order[i]];
            int[] m = moviesPerUser[order[i]].clone();
            Arrays.sort(m);
            System.arraycopy(m, 0, movies, pos, m.length);
            pos += m.length;
            offsets[i + 1] = pos;
        }
        return new SeenItems(sortedUsers, offsets, movies);
    }

    public int users() {
        return userIds.length;
    }

    /** Sorted movie ids the user rated in training, empty for an unknown user. */
    public int[] seenBy(int userId) {
        int u = Arrays.binarySearch(userIds, userId);
        return u < 0 ? NONE : Arrays.copyOfRange(movieIds, offsets[u], offsets[u + 1]);
    }

    public int[] userIds() {
        return userIds;
    }

    public void write(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(MAGIC).putInt(userIds.length).putInt(movieIds.length);
            for (int[] part : new int[][] {userIds, offsets, movieIds}) {
                for (int v : part) {
                    buf = FloatTable.flushIfFull(out, buf, 4);
                    buf.putInt(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /**
     * Only each user's id and number of training ratings (the row lengths), without the movie ids: the user
     * population a load test draws from, cheap even for a large dataset.
     */
    public static UserPopulation readActivity(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            Head head = Head.read(data, file);
            int[] counts = new int[head.userIds().length];
            for (int u = 0; u < counts.length; u++) {
                counts[u] = head.offsets()[u + 1] - head.offsets()[u];
            }
            try {
                return new UserPopulation(head.userIds(), counts);
            } catch (IllegalArgumentException e) {
                throw new BundleException(file + ": " + e.getMessage());
            }
        }
    }

    /** The file's header, user ids and row offsets, checked against the file's size; the movie ids follow. */
    private record Head(int[] userIds, int[] offsets, int entries) {
        static Head read(DataInputStream data, Path file) throws IOException {
            ByteBuffer header = FloatTable.readFully(data, 12, file);
            if (header.getInt() != MAGIC) {
                throw new BundleException(file + ": not a seen-items file (bad magic number)");
            }
            int users = header.getInt();
            int entries = header.getInt();
            long expected = 12L + 4L * users + 4L * (users + 1L) + 4L * entries;
            if (users < 0 || entries < 0 || Files.size(file) != expected) {
                throw new BundleException(file + ": size does not match " + users + " users, " + entries + " entries");
            }
            int[] userIds = new int[users];
            FloatTable.readFully(data, 4 * users, file).asIntBuffer().get(userIds);
            int[] offsets = new int[users + 1];
            FloatTable.readFully(data, 4 * (users + 1), file).asIntBuffer().get(offsets);
            return new Head(userIds, offsets, entries);
        }
    }

    public static SeenItems read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            Head head = Head.read(data, file);
            int[] movies = new int[head.entries()];
            FloatTable.readFully(data, 4 * head.entries(), file).asIntBuffer().get(movies);
            try {
                return new SeenItems(head.userIds(), head.offsets(), movies);
            } catch (IllegalArgumentException e) {
                throw new BundleException(file + ": " + e.getMessage());
            }
        }
    }
}
