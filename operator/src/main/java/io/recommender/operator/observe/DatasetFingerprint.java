package io.recommender.operator.observe;

/**
 * What identifies the data at a training dataset's address now: equal fingerprints, unchanged data. Either
 * {@code value} (e.g. an HTTP ETag) or {@code problem} (why it cannot be read) is set.
 */
public record DatasetFingerprint(String value, String problem) {
    public static DatasetFingerprint of(String value) {
        return new DatasetFingerprint(value, null);
    }

    public static DatasetFingerprint unreadable(String problem) {
        return new DatasetFingerprint(null, problem);
    }
}
