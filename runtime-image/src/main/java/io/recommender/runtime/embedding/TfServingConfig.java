package io.recommender.runtime.embedding;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * {@code recommender.tfserving.*}: how the TensorFlow Serving source calls the model server. The server's
 * address, timeouts and connection pool are the Micronaut HTTP client's {@code micronaut.http.services.tfserving}.
 *
 * @param modelName the served model's name; the bundle manifest's model name when unset
 * @param maxRetries retries of a predict after a connection error, timeout or 5xx, with exponential backoff
 * @param retryBackoff the first backoff
 * @param statusTimeout how long a readiness check waits for the model status
 */
@ConfigurationProperties("recommender.tfserving")
public record TfServingConfig(
        @Nullable String modelName,
        @Bindable(defaultValue = "2") @Min(0) @Max(10) int maxRetries,
        @Bindable(defaultValue = "20ms") Duration retryBackoff,
        @Bindable(defaultValue = "2s") Duration statusTimeout) {}
