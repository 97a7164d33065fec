package io.recommender.training.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Turns a dataset as the Recommender's {@code spec.model.training.dataset} names it into a local MovieLens
 * directory (movies.csv, ratings.csv):
 * <ul>
 *   <li>{@code bundled:<name>}: {@code $RECOMMENDER_DATASETS/<name>}, the datasets inside the training image;
 *   <li>a path (absolute, as the Recommender requires; relative for local command-line use): as is;
 *   <li>{@code http(s)://.../x.zip}: a MovieLens zip, downloaded and unpacked (its folder holding ratings.csv);
 *       any other {@code http(s)://} URL is a base under which movies.csv and ratings.csv are fetched;
 *   <li>{@code s3://bucket/prefix}: the objects {@code prefix/movies.csv} and {@code prefix/ratings.csv}, or,
 *       when the key ends in .zip, that zip.
 * </ul>
 * Downloads go to a fresh folder under the given scratch parent, deleted when the {@link ResolvedDataset} is
 * closed.
 */
public final class DatasetSource {
    public static final String BUNDLED = "bundled:";
    /** Where the image keeps its bundled datasets; the training image sets it to /opt/recommender/datasets. */
    public static final String DATASETS_ENV = "RECOMMENDER_DATASETS";
    private static final Pattern BUNDLED_NAME = Pattern.compile("[a-z0-9-]+");
    private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Map<String, String> env;
    private final HttpDownloader http;
    private final S3Factory s3;
    private final DatasetLimits limits;
    private final PrintStream log;

    /** Makes the S3 client for one dataset, which is closed after it. */
    @FunctionalInterface
    public interface S3Factory {
        S3Client create() throws DatasetException;
    }

    public DatasetSource(Map<String, String> env, HttpDownloader http, S3Factory s3, DatasetLimits limits,
            PrintStream log) {
        this.env = env;
        this.http = http;
        this.s3 = s3;
        this.limits = limits;
        this.log = log;
    }

    /** The training pod's: the process environment, the standard HTTP and S3 clients and the default limits. */
    public static DatasetSource standard(PrintStream log) {
        return new DatasetSource(System.getenv(), HttpDownloader.standard(), S3Downloader::standardClient,
                DatasetLimits.DEFAULT, log);
    }

    /**
     * @param dataset the dataset as the Recommender or the command line names it
     * @param scratchParent where a folder for downloads is made
     */
    public ResolvedDataset resolve(String dataset, Path scratchParent) throws IOException {
        if (dataset.startsWith(BUNDLED)) {
            return new ResolvedDataset(bundled(dataset.substring(BUNDLED.length())), null);
        }
        if (!URL_SCHEME.matcher(dataset).matches()) {
            return new ResolvedDataset(Path.of(dataset), null);
        }
        String scheme = dataset.substring(0, dataset.indexOf(':')).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("s3")) {
            throw new DatasetException("dataset " + scheme + "://...: unsupported; use bundled:<name>, an absolute "
                    + "path, http(s):// or s3://");
        }
        Files.createDirectories(scratchParent);
        Path scratch = Files.createTempDirectory(scratchParent, "dataset-");
        try {
            Path dir = scheme.equals("s3") ? fromS3(dataset, scratch) : fromHttp(dataset, scratch);
            return new ResolvedDataset(dir, scratch);
        } catch (IOException | RuntimeException e) {
            ResolvedDataset.deleteTree(scratch);
            throw e;
        }
    }

    private Path bundled(String name) throws DatasetException {
        String root = env.get(DATASETS_ENV);
        if (!BUNDLED_NAME.matcher(name).matches()) {
            throw new DatasetException("dataset bundled:" + name + ": a bundled dataset's name is lower-case "
                    + "letters, digits and '-'");
        }
        if (root == null || root.isBlank()) {
            throw new DatasetException("dataset bundled:" + name + ": " + DATASETS_ENV + " is not set (the training "
                    + "image sets it to its datasets folder; elsewhere point it at the project's data/ folder)");
        }
        Path dir = Path.of(root).resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("dataset bundled:" + name + ": no folder " + dir);
        }
        return dir;
    }

    private Path fromHttp(String dataset, Path scratch) throws IOException {
        URI uri;
        try {
            uri = new URI(dataset);
        } catch (URISyntaxException e) {
            throw new DatasetException("dataset URL is not valid: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new DatasetException("dataset URL " + uri.getScheme() + "://...: no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new DatasetException("dataset URL " + HttpDownloader.display(uri) + ": carries user credentials, "
                    + "which would sit in the Recommender and the Job's arguments; use a pre-signed URL or s3://");
        }
        Path data = scratch.resolve("data");
        if (isZip(uri.getPath())) {
            Path zip = scratch.resolve("download.zip");
            log.println("data: downloading " + HttpDownloader.display(uri));
            http.download(uri, zip, limits.maxDownloadBytes());
            return unpack(zip, data, HttpDownloader.display(uri));
        }
        URI base = uri.getRawPath() == null || uri.getRawPath().endsWith("/") ? uri : URI.create(
                uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "/");
        Files.createDirectories(data);
        for (String file : new String[] {MovieLensReader.MOVIES, MovieLensReader.RATINGS}) {
            URI u = base.resolve(file);
            log.println("data: downloading " + HttpDownloader.display(u));
            http.download(u, data.resolve(file), limits.maxDownloadBytes());
        }
        return data;
    }

    private Path fromS3(String dataset, Path scratch) throws IOException {
        String rest = dataset.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new DatasetException("dataset " + dataset + ": no bucket");
        }
        Path data = scratch.resolve("data");
        try (S3Client client = s3.create()) {
            S3Downloader downloader = new S3Downloader(client);
            if (isZip(key)) {
                Path zip = scratch.resolve("download.zip");
                log.println("data: downloading " + S3Downloader.display(bucket, key));
                downloader.download(bucket, key, zip, limits.maxDownloadBytes());
                return unpack(zip, data, S3Downloader.display(bucket, key));
            }
            String prefix = key.isEmpty() || key.endsWith("/") ? key : key + "/";
            Files.createDirectories(data);
            for (String file : new String[] {MovieLensReader.MOVIES, MovieLensReader.RATINGS}) {
                log.println("data: downloading " + S3Downloader.display(bucket, prefix + file));
                downloader.download(bucket, prefix + file, data.resolve(file), limits.maxDownloadBytes());
            }
            return data;
        }
    }

    private Path unpack(Path zip, Path into, String source) throws IOException {
        DatasetArchive.extract(zip, into, limits, source);
        // The zip is not needed once unpacked; on a big dataset it is most of the disk used.
        Files.delete(zip);
        return into;
    }

    private static boolean isZip(String path) {
        return path != null && path.toLowerCase(Locale.ROOT).endsWith(".zip");
    }
}
