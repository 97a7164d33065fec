package io.recommender.operator.registry;

import io.recommender.api.v1alpha1.RegistrySpec;

/** A registry the operator looks after for its Recommenders: Amazon ECR ({@code io.recommender.operator.aws}). */
public interface ManagedRegistry {
    /** Makes sure the repository exists as the operator needs it, and logs in to it. */
    RegistryLogin prepare(RegistrySpec.Ecr ecr) throws RegistryException;

    /**
     * Marks a promoted version's images (by digest, in this repository) so that the repository's lifecycle policy
     * keeps them while a Recommender's history may name them. Idempotent.
     */
    default void protect(RegistrySpec.Ecr ecr, String modelVersion, String image, String tfServingImage)
            throws RegistryException {
    }
}
