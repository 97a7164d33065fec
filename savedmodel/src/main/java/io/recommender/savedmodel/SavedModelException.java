package io.recommender.savedmodel;

/** A SavedModel that cannot be loaded or run as a float32 [batch, width] signature; the message says why. */
public class SavedModelException extends RuntimeException {
    public SavedModelException(String message) {
        super(message);
    }

    public SavedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
