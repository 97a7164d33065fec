package io.recommender.runtime.features;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/**
 * Where users' features come from ({@code recommender.features.*}; environment variables in application.yml).
 *
 * @param source {@code bundle}: the bundle's tables (the default); {@code redis}: the feature store, which
 *     {@code POST /v1/events} updates ({@code RECOMMENDER_FEATURE_SOURCE})
 * @param redisUrl {@code redis://[user:password@]host:port[/db]} or {@code rediss://} ({@code RECOMMENDER_REDIS_URL})
 * @param redisPrefix key prefix ({@code RECOMMENDER_REDIS_PREFIX})
 * @param redisTimeout bound on each Redis call ({@code RECOMMENDER_REDIS_TIMEOUT}, 20 ms)
 * @param maxHistory most rated movies kept per user; the initial load must use the same
 * @param streamMaxLength about how many events the events stream keeps
 * @param redisPassword the Redis password ({@code RECOMMENDER_REDIS_PASSWORD}, from a Secret); empty: none, or the
 *     URL's. Given, it wins over a password in the URL. Never logged.
 */
@ConfigurationProperties("recommender.features")
public record FeatureSourceConfig(
        @Bindable(defaultValue = "bundle") @NotNull Source source,
        @Bindable(defaultValue = "redis://localhost:6379") @NotNull String redisUrl,
        @Bindable(defaultValue = "rec:") @NotNull String redisPrefix,
        @Bindable(defaultValue = "20ms") @NotNull Duration redisTimeout,
        @Bindable(defaultValue = "5000") @Min(1) int maxHistory,
        @Bindable(defaultValue = "1000000") @Min(1) long streamMaxLength,
        @Bindable(defaultValue = "") @Nullable String redisPassword) {

    public enum Source { BUNDLE, REDIS }

    @Override
    public String toString() {
        // The record's own toString would print the password.
        return "FeatureSourceConfig[source=" + source + ", prefix=" + redisPrefix + ", timeout=" + redisTimeout + "]";
    }
}
