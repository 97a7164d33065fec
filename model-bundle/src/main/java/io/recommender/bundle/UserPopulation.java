package io.recommender.bundle;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The users a model was trained on and how active each was (its training ratings): what a load that looks like
 * production draws its user ids from. Read from a bundle's {@code seen.bin} ({@link SeenItems#readActivity}), or
 * from the small text file {@link #write} makes of it, which is how the gate Job gets it: an init container run
 * from the candidate's own image (whose classpath holds this module) writes it with {@link #main} into a volume
 * the load test reads.
 *
 * <p>Text form, UTF-8: the line {@value #HEADER}, then one line per user, {@code <user id> <training ratings>},
 * user ids ascending.
 */
public final class UserPopulation {
    public static final String HEADER = "# recommender user population v1: user_id training_ratings";

    private final int[] userIds;
    private final int[] trainingRatings;

    /**
     * @param userIds         ascending, distinct, at least one
     * @param trainingRatings each user's number of training ratings, >= 0
     */
    public UserPopulation(int[] userIds, int[] trainingRatings) {
        if (userIds.length == 0) {
            throw new IllegalArgumentException("a user population needs at least one user");
        }
        if (userIds.length != trainingRatings.length) {
            throw new IllegalArgumentException(userIds.length + " user ids but " + trainingRatings.length + " counts");
        }
        for (int i = 0; i < userIds.length; i++) {
            if (i > 0 && userIds[i] <= userIds[i - 1]) {
                throw new IllegalArgumentException("user ids must be ascending and distinct: " + userIds[i - 1]
                        + " then " + userIds[i]);
            }
            if (trainingRatings[i] < 0) {
                throw new IllegalArgumentException("user " + userIds[i] + " has a negative rating count");
            }
        }
        this.userIds = userIds.clone();
        this.trainingRatings = trainingRatings.clone();
    }

    /** From a bundle directory ({@code seen.bin}) or a file {@link #write} wrote. */
    public static UserPopulation read(Path bundleOrFile) throws IOException {
        if (Files.isDirectory(bundleOrFile)) {
            Path seen = bundleOrFile.resolve(BundleLayout.SEEN);
            if (!Files.isRegularFile(seen)) {
                throw new BundleException(bundleOrFile + ": not a model bundle (no " + BundleLayout.SEEN + ")");
            }
            return SeenItems.readActivity(seen);
        }
        if (!Files.isRegularFile(bundleOrFile)) {
            throw new BundleException(bundleOrFile + ": neither a bundle directory nor a user population file");
        }
        try (BufferedReader in = Files.newBufferedReader(bundleOrFile, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (!HEADER.equals(header)) {
                throw new BundleException(bundleOrFile + ": not a user population file (its first line is not \""
                        + HEADER + "\")");
            }
            int[] ids = new int[1024];
            int[] counts = new int[1024];
            int n = 0;
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                if (parts.length != 2) {
                    throw new BundleException(bundleOrFile + " line " + lineNo + ": expected \"<user id> <ratings>\"");
                }
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                    counts = Arrays.copyOf(counts, n * 2);
                }
                try {
                    ids[n] = Integer.parseInt(parts[0]);
                    counts[n] = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new BundleException(bundleOrFile + " line " + lineNo + ": not two whole numbers");
                }
                n++;
            }
            try {
                return new UserPopulation(Arrays.copyOf(ids, n), Arrays.copyOf(counts, n));
            } catch (IllegalArgumentException e) {
                throw new BundleException(bundleOrFile + ": " + e.getMessage());
            }
        }
    }

    /** Writes the text form, complete or not at all (a temporary file moved into place). */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".population", ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write(HEADER);
                out.write('\n');
                for (int i = 0; i < userIds.length; i++) {
                    out.write(userIds[i] + " " + trainingRatings[i] + "\n");
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public int size() {
        return userIds.length;
    }

    /** Ascending; a copy. */
    public int[] userIds() {
        return userIds.clone();
    }

    /** Training ratings per user, in {@link #userIds()} order; a copy. */
    public int[] trainingRatings() {
        return trainingRatings.clone();
    }

    public int maxUserId() {
        return userIds[userIds.length - 1];
    }

    /**
     * {@code UserPopulation <bundle-dir> <out-file>}: the gate Job's init container, run from the candidate's image.
     * Exit 0 written; 1 the bundle is unreadable; 2 usage.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: UserPopulation <bundle-dir> <out-file>");
            System.exit(2);
            return;
        }
        try {
            UserPopulation population = read(Path.of(args[0]));
            population.write(Path.of(args[1]));
            System.out.println("wrote " + population.size() + " users (highest id " + population.maxUserId()
                    + ") from " + args[0] + " to " + args[1]);
        } catch (IOException | BundleException e) {
            System.err.println("cannot write the user population: " + e.getMessage());
            System.exit(1);
        }
    }
}
