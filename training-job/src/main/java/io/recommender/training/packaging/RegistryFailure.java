package io.recommender.training.packaging;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What went wrong talking to a registry, in one line with the registry's own message, and whether trying
 * again could help. Authentication failures, denied pushes and missing images are final; unreachable
 * registries and server errors are worth another attempt.
 */
record RegistryFailure(boolean transientFailure, String reason) {

    static RegistryFailure of(Throwable error, ImageReference target, ImageReference base) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        String details = messages(chain);
        for (Throwable t : chain) {
            if (t instanceof RegistryUnauthorizedException u) {
                return new RegistryFailure(false, "authentication failed or access denied for "
                        + u.getImageReference() + ": " + details);
            }
            if (t instanceof RegistryAuthenticationFailedException || t instanceof RegistryCredentialsNotSentException) {
                return new RegistryFailure(false, "authentication failed: " + details);
            }
            if (t instanceof InsecureRegistryException) {
                return new RegistryFailure(false, "registry does not speak https (pass --insecure-registry to allow"
                        + " plain http): " + details);
            }
        }
        String lower = details.toLowerCase(Locale.ROOT);
        if (lower.contains("tried to pull image manifest") || lower.contains("manifest unknown")
                || lower.contains("name unknown")) {
            return new RegistryFailure(false, "base image " + base + " not found: " + details);
        }
        if (lower.contains("denied") || lower.contains("forbidden")) {
            return new RegistryFailure(false, "push to " + target + " denied: " + details);
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return new RegistryFailure(true, "registry unreachable: " + details);
            }
        }
        return new RegistryFailure(true, "registry error pushing " + target + ": " + details);
    }

    /** The distinct messages of the chain, outermost first, on one line (wrappers repeat their cause). */
    private static String messages(List<Throwable> chain) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t : chain) {
            String m = (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
                    .replaceAll("\\s+", " ").trim();
            if (parts.stream().noneMatch(p -> p.contains(m))) {
                parts.add(m);
            }
        }
        return String.join(": ", parts);
    }
}
