package io.recommender.operator.registry;

/**
 * Where the packaging step pushes and with what.
 *
 * @param repository image repository, without tag
 * @param credentialsSecret a kubernetes.io/dockerconfigjson Secret, pushed with and pulled with; null: anonymous
 * @param insecure plain HTTP (test registries)
 */
public record PushTarget(String repository, String credentialsSecret, boolean insecure) {}
