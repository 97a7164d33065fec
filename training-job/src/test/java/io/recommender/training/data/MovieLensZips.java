package io.recommender.training.data;

import io.recommender.training.TrainedBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips for tests, made from the project's data/ml-latest-small. */
public final class MovieLensZips {
    private MovieLensZips() {}

    public static byte[] csv(String name) {
        try {
            return Files.readAllBytes(TrainedBundle.DATA.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As GroupLens distributes it: ml-latest-small/ with its CSVs and README.txt. */
    public static byte[] mlLatestSmall() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ml-latest-small/", null);
        for (String name : new String[] {"links.csv", "movies.csv", "ratings.csv", "tags.csv", "README.txt"}) {
            entries.put("ml-latest-small/" + name, csv(name));
        }
        return zip(entries);
    }

    /** Entries in order; a null body makes a directory entry. */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                if (e.getValue() != null) {
                    zip.write(e.getValue());
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
