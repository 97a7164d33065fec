package io.recommender.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** SHA-256 of files and of whole bundle directories. */
public final class Checksums {
    private Checksums() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** Feeds a file into a digest, so several files can be fingerprinted together. */
    public static void update(MessageDigest digest, Path file) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
    }

    /** {@code sha256:<hex>} over the files' contents in the given order: what a bundle's dataFingerprint holds. */
    public static String fingerprint(List<Path> files) throws IOException {
        MessageDigest digest = sha256();
        for (Path file : files) {
            update(digest, file);
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256Hex(Path file) throws IOException {
        MessageDigest digest = sha256();
        update(digest, file);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of every regular file under {@code dir} except the manifest, keyed by '/'-separated path. */
    public static SortedMap<String, String> ofDirectory(Path dir) throws IOException {
        SortedMap<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                if (!rel.equals(BundleLayout.MANIFEST)) {
                    try {
                        sums.put(rel, sha256Hex(f));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return sums;
    }
}
