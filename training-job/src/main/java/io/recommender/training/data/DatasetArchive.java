package io.recommender.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a MovieLens zip (as GroupLens distributes it: a top folder holding movies.csv and ratings.csv) into
 * a directory. Only those two files are written, under fixed names, and only after every entry name has been
 * checked: an archive with an absolute or {@code ..} entry (zip-slip) is refused as a whole, and the entry
 * count and bytes written are bounded.
 */
public final class DatasetArchive {
    private DatasetArchive() {}

    /**
     * @param zip the downloaded archive
     * @param into an empty or missing directory that receives movies.csv and ratings.csv
     * @param source how the dataset was named, for error messages (credential-free)
     * @return {@code into}
     */
    public static Path extract(Path zip, Path into, DatasetLimits limits, String source) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            if (archive.size() > limits.maxArchiveEntries()) {
                throw new DatasetException(source + ": the zip has " + archive.size() + " entries, more than the limit of "
                        + limits.maxArchiveEntries());
            }
            List<String> folders = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = archive.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                refuseUnsafe(name, source);
                if (name.equals(MovieLensReader.RATINGS) || name.endsWith("/" + MovieLensReader.RATINGS)) {
                    folders.add(name.substring(0, name.length() - MovieLensReader.RATINGS.length()));
                }
            }
            String folder = datasetFolder(folders, source);
            ZipEntry movies = archive.getEntry(folder + MovieLensReader.MOVIES);
            if (movies == null || movies.isDirectory()) {
                throw new DatasetException(source + ": the zip has " + folder + MovieLensReader.RATINGS + " but no "
                        + folder + MovieLensReader.MOVIES);
            }
            Files.createDirectories(into);
            long[] budget = {limits.maxExtractedBytes()};
            copy(archive, archive.getEntry(folder + MovieLensReader.RATINGS), into.resolve(MovieLensReader.RATINGS),
                    budget, limits, source);
            copy(archive, movies, into.resolve(MovieLensReader.MOVIES), budget, limits, source);
            return into;
        } catch (ZipException e) {
            throw new DatasetException(source + ": not a readable zip (" + e.getMessage() + ")", e);
        }
    }

    /** The shallowest folder with a ratings.csv; two at the same depth are ambiguous. */
    private static String datasetFolder(List<String> folders, String source) throws DatasetException {
        if (folders.isEmpty()) {
            throw new DatasetException(source + ": the zip has no " + MovieLensReader.RATINGS);
        }
        Collections.sort(folders, (a, b) -> Long.compare(depth(a), depth(b)));
        if (folders.size() > 1 && depth(folders.get(0)) == depth(folders.get(1))) {
            throw new DatasetException(source + ": the zip has more than one dataset folder (" + folders.get(0)
                    + MovieLensReader.RATINGS + ", " + folders.get(1) + MovieLensReader.RATINGS + ")");
        }
        return folders.get(0);
    }

    private static long depth(String folder) {
        return folder.chars().filter(c -> c == '/').count();
    }

    /** Entries that would land outside the target if unpacked by name; the whole archive is then suspect. */
    private static void refuseUnsafe(String name, String source) throws DatasetException {
        String n = name.replace('\\', '/');
        boolean unsafe = n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0;
        for (String part : n.split("/")) {
            unsafe |= part.equals("..");
        }
        if (unsafe) {
            throw new DatasetException(source + ": refused, the zip's entry '" + name
                    + "' points outside the archive's folder");
        }
    }

    private static void copy(ZipFile archive, ZipEntry entry, Path target, long[] budget, DatasetLimits limits,
            String source) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = archive.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                budget[0] -= n;
                if (budget[0] < 0) {
                    throw new DatasetException(source + ": unpacking " + entry.getName() + " exceeds the limit of "
                            + limits.maxExtractedBytes() + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
    }
}
