package io.recommender.training.data;

import java.io.IOException;

/**
 * A dataset that cannot be found, fetched or unpacked; the message is one line that names the dataset (URLs
 * without credentials or query) and the reason.
 */
public class DatasetException extends IOException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
