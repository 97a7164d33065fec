package io.recommender.runtime.features;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.recommender.featurestore.FeatureStoreException;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Whether recommendations can read users' live features: degraded from a failed read (Redis down, too slow, or
 * a value not in the layout) until the next read succeeds. While degraded, answers come from the bundle's
 * features marked stale; the service stays ready (this is not a readiness indicator), and {@code /health}'s
 * {@code featureStore} detail, the {@code recommender.features.degraded} gauge and the
 * {@code recommender.features.reads} counter say so. One log line when it degrades and one when it recovers;
 * corrupt values get a line each (at most one a second), naming the user and the key.
 */
@Singleton
@Requires(property = "recommender.features.source", value = "redis")
public class FeatureStoreHealth implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreHealth.class);

    private final FeatureStoreClient client;
    private final Counter ok;
    private final Counter unavailable;
    private final Counter corrupt;
    private final AtomicLong lastCorruptLog = new AtomicLong();
    private volatile boolean degraded;
    private volatile String reason;
    private volatile Instant since;

    public FeatureStoreHealth(FeatureStoreClient client, MeterRegistry registry) {
        this.client = client;
        Counter.Builder reads = Counter.builder("recommender.features.reads")
                .description("Reads of users' live features: ok, unavailable (Redis down or slow) or corrupt");
        this.ok = reads.tag("outcome", "ok").register(registry);
        this.unavailable = reads.tag("outcome", "unavailable").register(registry);
        this.corrupt = reads.tag("outcome", "corrupt").register(registry);
        Gauge.builder("recommender.features.degraded", this, h -> h.degraded ? 1 : 0)
                .description("1 while the last read of live features failed and answers use the bundle's (stale)")
                .register(registry);
    }

    public void readOk() {
        ok.increment();
        if (degraded) {
            synchronized (this) {
                if (degraded) {
                    degraded = false;
                    LOG.info("feature store: reads work again ({}); answers use live features", client.address());
                }
            }
        }
    }

    public void readFailed(int userId, FeatureStoreException e) {
        if (e.kind() == FeatureStoreException.Kind.CORRUPT) {
            corrupt.increment();
            long now = System.nanoTime();
            long last = lastCorruptLog.get();
            if ((last == 0 || now - last >= 1_000_000_000L) && lastCorruptLog.compareAndSet(last, now)) {
                LOG.warn("feature store: user {}'s state is corrupt, answering from the bundle's features (stale): {}",
                        userId, e.getMessage());
            }
            // One bad key is not a degraded store: other users' reads still work.
            return;
        }
        unavailable.increment();
        reason = e.getMessage();
        if (!degraded) {
            synchronized (this) {
                if (!degraded) {
                    degraded = true;
                    since = Instant.now();
                    LOG.warn("feature store: cannot read live features, answering from the bundle's features (stale) "
                            + "until it recovers: {}", e.getMessage());
                }
            }
        }
    }

    public boolean degraded() {
        return degraded;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", "redis");
        details.put("address", client.address());
        details.put("degraded", degraded);
        if (degraded) {
            details.put("since", String.valueOf(since));
            details.put("reason", String.valueOf(reason));
        }
        // UP either way: answers keep coming (stale) and readiness must not drop every replica at once.
        return Mono.just(HealthResult.builder("featureStore", HealthStatus.UP).details(details).build());
    }
}
