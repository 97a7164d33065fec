package io.recommender.operator.registry;

import java.time.Instant;

/**
 * A managed registry's repository, ready for pushes, and a login to it.
 *
 * @param repositoryUri where images go, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/recs/movies
 * @param registryHost the registry's host, the key of the docker config
 * @param authToken base64 of "user:password", as docker config's "auth" holds it; a secret
 * @param expiresAt when the registry stops accepting it
 */
public record RegistryLogin(String repositoryUri, String registryHost, String authToken, Instant expiresAt) {

    /** Never prints the token: records print every field, and logins end up in log lines and exceptions. */
    @Override
    public String toString() {
        return "RegistryLogin[repositoryUri=" + repositoryUri + ", registryHost=" + registryHost
                + ", authToken=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
