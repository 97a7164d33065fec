package io.recommender.training.data;

/**
 * Bounds on what a remote dataset may cost the training pod's disk: a hostile or mistaken URL must fail
 * with a reason rather than fill the node's ephemeral storage.
 *
 * @param maxDownloadBytes most bytes of one downloaded file (a CSV or a zip)
 * @param maxArchiveEntries most entries in a zip
 * @param maxExtractedBytes most bytes written while unpacking a zip's movies.csv and ratings.csv, counted as
 *     written rather than trusted from the zip's headers
 */
public record DatasetLimits(long maxDownloadBytes, int maxArchiveEntries, long maxExtractedBytes) {
    /** Room for the largest MovieLens releases (ml-32m: a 239 MB zip, 0.9 GB of ratings.csv) and more. */
    public static final DatasetLimits DEFAULT = new DatasetLimits(4L << 30, 100_000, 8L << 30);
}
