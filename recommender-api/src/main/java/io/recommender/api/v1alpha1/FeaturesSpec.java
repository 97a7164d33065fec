package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where user features come from: the bundle (frozen at training time) or a Redis feature store that live events
 * update. Only the combinations that can run are accepted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.source) || self.source in ['Bundle', 'Redis']", fieldPath = ".source",
        messageExpression = "'source \"' + self.source + '\" is not Bundle or Redis'")
@ValidationRule(value = "!has(self.source) || self.source != 'Redis' || has(self.redis)", fieldPath = ".redis",
        message = "source Redis needs redis: the feature store's url, or its service and port")
@ValidationRule(value = "has(self.source) && self.source == 'Redis' || !has(self.redis)", fieldPath = ".redis",
        message = "redis is only read with source Redis: set source: Redis or remove redis")
public record FeaturesSpec(
        // A string with a CEL rule rather than an enum, as topology: an enum's refusal hides the other rules.
        @Default("Bundle") @SchemaFrom(type = String.class) @Size(max = 16)
        @JsonPropertyDescription("Bundle: the features stored in the model bundle at training time. Redis: each "
                + "user's state in a Redis feature store, loaded from the training data and updated by live events "
                + "(POST /v1/events).")
        FeatureSource source,
        @JsonPropertyDescription("The Redis feature store, with source Redis.")
        RedisSpec redis) {

    public enum FeatureSource {
        Bundle,
        Redis
    }

    /**
     * The key prefix when {@code redis.prefix} is unset: {@code <namespace>:<name>:}, so Recommenders sharing one
     * Redis keep apart. The one definition, for the operator and the local run.
     */
    public static String defaultPrefix(String namespace, String name) {
        return namespace + ":" + name + ":";
    }

    /** How the recommender and the initial load reach Redis: a URL, or a Service of the cluster. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.url) != has(self.service)",
            message = "set exactly one of features.redis.url and features.redis.service (with port)")
    @ValidationRule(value = "!has(self.port) || has(self.service)", fieldPath = ".port",
            message = "port goes with service; a url carries its own port (redis://host:port)")
    @ValidationRule(value = "!has(self.url) || self.url.matches('^rediss?://')", fieldPath = ".url",
            message = "url must start with redis:// or rediss:// (TLS), e.g. redis://redis.cache.svc:6379")
    @ValidationRule(value = "!has(self.url) || !self.url.matches('^rediss?://[^/]*@')", fieldPath = ".url",
            message = "url must not hold a user or password (user:password@): put the password in a Secret and "
                    + "name it in features.redis.passwordSecretRef")
    @ValidationRule(value = "!has(self.url) || !self.url.matches('^rediss?://') || self.url.matches('^rediss?://[^/]*@')"
            + " || self.url.matches('^rediss?://[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?(/[0-9]{1,2})?$')",
            fieldPath = ".url", message = "url must be redis://host[:port][/db] or rediss://..., with a host name "
                    + "or IPv4 address, an optional port and database number, e.g. redis://redis.cache.svc:6379/0")
    @ValidationRule(value = "!has(self.tls) || !has(self.url) || self.tls == self.url.startsWith('rediss://')",
            fieldPath = ".tls", message = "tls must agree with the url: rediss:// is TLS, redis:// is not (or leave "
                    + "tls out and let the scheme say)")
    @ValidationRule(value = "!has(self.service) || self.service.matches("
            + "'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$')", fieldPath = ".service",
            messageExpression = "'service \"' + self.service + '\" is not a Service name (lower-case letters, digits "
                    + "and -, starting and ending with a letter or digit), optionally followed by .<namespace>, e.g. "
                    + "redis or redis.cache'")
    @ValidationRule(value = "!has(self.prefix) || !self.prefix.matches('[{}\\\\s]')", fieldPath = ".prefix",
            message = "prefix must not contain '{', '}' (they mark Redis Cluster hash tags) or spaces")
    public record RedisSpec(
            @Size(max = 512)
            @JsonPropertyDescription("redis://host[:port][/db] or rediss://... (TLS), without a password (see "
                    + "passwordSecretRef); or use service and port.")
            String url,
            @Size(max = 127)
            @JsonPropertyDescription("A Service of the cluster: <name> in the Recommender's namespace, or "
                    + "<name>.<namespace>.")
            String service,
            @Min(1) @Max(65535)
            @JsonPropertyDescription("The Service's port (6379 when unset).")
            Integer port,
            @JsonPropertyDescription("The Secret key holding Redis's password; it reaches the pods only as a Secret "
                    + "reference, never in status, Events or logs.")
            PasswordSecretRef passwordSecretRef,
            @Size(min = 1, max = 128)
            @JsonPropertyDescription("Key prefix of this Recommender's state (<namespace>:<name>: when unset), so "
                    + "Recommenders can share one Redis.")
            String prefix,
            @JsonPropertyDescription("Reach a service over TLS (rediss://); with url, the scheme decides and tls "
                    + "must agree.")
            Boolean tls) {}

    /** A key of a Secret in the Recommender's namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!format.dns1123Subdomain().validate(self.name).hasValue()", fieldPath = ".name",
            messageExpression = "'name \"' + self.name + '\" is not a Secret name: lower-case letters, digits, - "
                    + "and ., starting and ending with a letter or digit'")
    @ValidationRule(value = "self.key.matches('^[-._a-zA-Z0-9]+$')", fieldPath = ".key",
            messageExpression = "'key \"' + self.key + '\" is not a Secret key: letters, digits, -, _ and .'")
    public record PasswordSecretRef(
            @Required @Size(min = 1, max = 253) @JsonPropertyDescription("The Secret's name.")
            String name,
            @Required @Size(min = 1, max = 253) @JsonPropertyDescription("The key of the password in the Secret.")
            String key) {}
}
