package io.recommender.training.model;

/** Where training runs. {@code AUTO} uses a GPU when TensorFlow sees one. */
public enum Device {
    CPU,
    GPU,
    AUTO
}
