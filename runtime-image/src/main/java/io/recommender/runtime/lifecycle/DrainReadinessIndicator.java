package io.recommender.runtime.lifecycle;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** A draining replica is not ready: nothing new should be sent its way. */
@Readiness
@Singleton
public class DrainReadinessIndicator implements HealthIndicator {
    private final Drain drain;

    DrainReadinessIndicator(Drain drain) {
        this.drain = drain;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Mono.just(drain.active()
                ? HealthResult.builder("drain", HealthStatus.DOWN).details(Map.of("reason", "draining before shutdown")).build()
                : HealthResult.builder("drain", HealthStatus.UP).build());
    }
}
