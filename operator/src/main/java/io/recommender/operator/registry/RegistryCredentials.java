package io.recommender.operator.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.operator.naming.Labels;
import io.recommender.operator.naming.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The registry credentials Secret of an ECR Recommender, as pure functions: built from a login, read back for
 * the refresh decision. The packaging step pushes with it and serving pods pull with it (nodes without ECR
 * access, e.g. kind). Its annotations hold what the refresh decision needs, never the token.
 */
public final class RegistryCredentials {
    public static final String TYPE = "kubernetes.io/dockerconfigjson";
    public static final String KEY = ".dockerconfigjson";
    static final String EXPIRES_AT = "recommender.io/credentials-expire-at";
    static final String REFRESHED_AT = "recommender.io/credentials-refreshed-at";
    static final String REPOSITORY_URI = "recommender.io/repository-uri";
    static final String SOURCE = "recommender.io/registry";
    /** ECR tokens live 12 hours; a refresh halfway leaves 6 hours to retry through an outage. */
    public static final Duration REFRESH_BEFORE = Duration.ofHours(6);
    /** However short-lived a token (clock skew, an emulator's fixed date), no more than one refresh per 5 minutes. */
    public static final Duration MIN_INTERVAL = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryCredentials() {}

    public static Secret secret(Recommender r, RegistrySpec.Ecr ecr, RegistryLogin login, Instant now) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SOURCE, source(ecr));
        annotations.put(REPOSITORY_URI, login.repositoryUri());
        annotations.put(EXPIRES_AT, login.expiresAt().toString());
        annotations.put(REFRESHED_AT, now.toString());
        return new SecretBuilder()
                .withNewMetadata().withName(Names.registryCredentials(r)).withNamespace(r.getMetadata().getNamespace())
                .withLabels(Labels.of(r, Labels.REGISTRY)).withAnnotations(annotations).endMetadata()
                .withType(TYPE)
                .withData(Map.of(KEY, Base64.getEncoder().encodeToString(
                        dockerConfigJson(login.registryHost(), login.authToken()).getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** docker's config.json with one registry; {@code auth} is base64 of "user:password", as ECR hands it out. */
    public static String dockerConfigJson(String registryHost, String auth) {
        try {
            return JSON.writeValueAsString(Map.of("auths", Map.of(registryHost, Map.of("auth", auth))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("docker config cannot be serialised");
        }
    }

    /** Which repository a Secret was made for: a changed spec needs new credentials. */
    static String source(RegistrySpec.Ecr ecr) {
        return "ecr:" + ecr.region() + "/" + ecr.repository();
    }

    /** When to refresh: {@link #REFRESH_BEFORE} ahead of expiry, but not sooner than {@link #MIN_INTERVAL} after the last. */
    public static Instant refreshAt(Instant expiresAt, Instant refreshedAt) {
        Instant halfway = expiresAt.minus(REFRESH_BEFORE);
        Instant earliest = refreshedAt.plus(MIN_INTERVAL);
        return halfway.isAfter(earliest) ? halfway : earliest;
    }

    /** The refresh time recorded on a Secret; null when it lacks the annotations (then refresh now). */
    public static Instant refreshAt(Secret s) {
        Instant expires = annotation(s, EXPIRES_AT);
        Instant refreshed = annotation(s, REFRESHED_AT);
        return expires == null || refreshed == null ? null : refreshAt(expires, refreshed);
    }

    public static boolean refreshDue(Secret s, RegistrySpec.Ecr ecr, Instant now) {
        if (s == null || !Objects.equals(source(ecr), annotations(s).get(SOURCE)) || repositoryUri(s) == null) {
            return true;
        }
        Instant at = refreshAt(s);
        return at == null || !now.isBefore(at);
    }

    /** The registry still accepts the Secret's token. */
    public static boolean usable(Secret s, RegistrySpec.Ecr ecr, Instant now) {
        Instant expires = annotation(s, EXPIRES_AT);
        return s != null && Objects.equals(source(ecr), annotations(s).get(SOURCE)) && repositoryUri(s) != null
                && expires != null && now.isBefore(expires);
    }

    public static String repositoryUri(Secret s) {
        return annotations(s).get(REPOSITORY_URI);
    }

    /** The Secret serving pods pull with: the operator's for ECR, the user's for another registry, or none. */
    public static String pullSecret(Recommender r) {
        RegistrySpec reg = r.getSpec().registry();
        if (reg == null) {
            return null;
        }
        return reg.ecr() != null ? Names.registryCredentials(r) : reg.oci().secretName();
    }

    private static Map<String, String> annotations(Secret s) {
        return s == null || s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
    }

    private static Instant annotation(Secret s, String key) {
        String value = annotations(s).get(key);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
