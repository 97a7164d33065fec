package io.recommender.api.v1alpha1;

/** How the recommender and TensorFlow Serving are laid out. */
public enum Topology {
    /** Recommender and TensorFlow Serving containers side by side in one pod. */
    OnePod,
    /** TensorFlow Serving in its own Deployment and Service; its address reaches the recommender in a ConfigMap. */
    TwoPod
}
