package io.recommender.runtime.lifecycle;

import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica is leaving. While it drains it still answers, but every answer closes its connection and
 * readiness is down: clients holding keep-alive connections reconnect, through the Service, to replicas that
 * stay, before this one stops. Without it a request sent on a kept connection just as the process exits fails.
 */
@Singleton
public class Drain {
    private final AtomicBoolean draining = new AtomicBoolean();

    public boolean active() {
        return draining.get();
    }

    /** Starts draining; true the first time only. */
    public boolean start() {
        return draining.compareAndSet(false, true);
    }
}
