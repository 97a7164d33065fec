package io.recommender.training.packaging;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recommender.training.packaging.PackagingException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A docker config file ({@code .dockerconfigjson}) checked before any push, and the secrets in it, so that no
 * message this command prints can carry them. Jib reads the credentials itself; this class never sends them.
 */
final class DockerConfig {
    private static final List<String> SECRET_FIELDS = List.of("auth", "password", "identitytoken", "identityToken",
            "registrytoken");
    /** Shorter strings could match ordinary words of a message; real secrets are far longer. */
    private static final int MIN_REDACTED_LENGTH = 4;

    private final List<String> secrets;

    private DockerConfig(List<String> secrets) {
        this.secrets = secrets;
    }

    static DockerConfig read(Path file) throws PackagingException {
        ImagePackager.requireReadable(file, "--docker-config");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new PackagingException(Kind.BAD_INPUT, "--docker-config " + file + ": not valid JSON");
        } catch (IOException e) {
            throw new PackagingException(Kind.BAD_INPUT, "--docker-config " + file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("auths").isObject()) {
            throw new PackagingException(Kind.BAD_INPUT, "--docker-config " + file
                    + ": expected a docker config object with \"auths\" (a kubernetes.io/dockerconfigjson Secret's"
                    + " .dockerconfigjson)");
        }
        List<String> secrets = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode entry = e.getValue();
            // Jib reads "auth" (base64 of user:password) or an identity token, as docker does; an entry with only
            // username and password would silently push anonymously and fail later as an authentication error.
            if (entry.path("auth").asText("").isEmpty() && entry.path("identitytoken").asText("").isEmpty()
                    && entry.path("identityToken").asText("").isEmpty()) {
                throw new PackagingException(Kind.BAD_INPUT, "--docker-config " + file + ": the entry for "
                        + e.getKey() + " has no \"auth\" (base64 of user:password), which is what is read");
            }
            for (String field : SECRET_FIELDS) {
                String value = entry.path(field).asText("");
                secrets.add(value);
                if (field.equals("auth")) {
                    secrets.add(decodedPassword(value));
                }
            }
        }
        secrets.removeIf(s -> s.length() < MIN_REDACTED_LENGTH);
        // Longest first, so a secret containing another is removed whole.
        secrets.sort((a, b) -> b.length() - a.length());
        return new DockerConfig(List.copyOf(secrets));
    }

    private static String decodedPassword(String auth) {
        try {
            String userPass = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = userPass.indexOf(':');
            return colon < 0 ? "" : userPass.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    String redact(String message) {
        String out = message == null ? "" : message;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }
}
