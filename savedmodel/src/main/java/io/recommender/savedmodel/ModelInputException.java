package io.recommender.savedmodel;

/** The caller's input does not fit the signature: the caller's fault, not the model's. */
public class ModelInputException extends IllegalArgumentException {
    public ModelInputException(String message) {
        super(message);
    }
}
