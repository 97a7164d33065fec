package io.recommender.runtime.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.recommender.runtime.model.LoadedModel;
import io.recommender.runtime.model.ModelService;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Ready only when a verified bundle is loaded and its embedding source answers; in {@code tfserving} mode that
 * means the model server reports the bundle's model version AVAILABLE; and the start-up warm-up has ended.
 */
@Readiness
@Singleton
public class ModelReadinessIndicator implements HealthIndicator {
    private final ModelService models;

    public ModelReadinessIndicator(ModelService models) {
        this.models = models;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Optional<LoadedModel> model = models.current();
        if (model.isEmpty()) {
            return Mono.just(result(HealthStatus.DOWN, Map.of("reason", models.notReadyReason())));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelName", model.get().manifest().modelName());
        details.put("modelVersion", model.get().version());
        details.put("embeddingSource", models.source().name());
        details.put("kernel", model.get().kernel().name());
        return models.source().unreadyReason().map(reason -> {
            if (reason.isPresent()) {
                details.put("reason", reason.get());
                return result(HealthStatus.DOWN, details);
            }
            Optional<String> warming = models.warmingUp();
            if (warming.isPresent()) {
                details.put("reason", warming.get());
                return result(HealthStatus.DOWN, details);
            }
            return result(HealthStatus.UP, details);
        });
    }

    private static HealthResult result(HealthStatus status, Map<String, Object> details) {
        return HealthResult.builder("model", status).details(details).build();
    }
}
