package io.recommender.runtime.lifecycle;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (what the kubelet sends a replica it removes) starts a drain of {@code recommender.drain-seconds} and
 * only then exits, which runs Micronaut's graceful shutdown for requests still in flight. The kubelet removes the
 * replica from the Service's endpoints at the same time, so new connections go elsewhere meanwhile. 0 exits at once.
 */
@Context
public class DrainOnSigterm {
    private static final Logger LOG = LoggerFactory.getLogger(DrainOnSigterm.class);

    DrainOnSigterm(Drain drain, @Value("${recommender.drain-seconds:10}") long drainSeconds) {
        Signal.handle(new Signal("TERM"), signal -> {
            if (!drain.start()) {
                return;
            }
            LOG.info("SIGTERM: draining for {} s (answers close their connections, readiness down), then stopping",
                    drainSeconds);
            Thread exit = new Thread(() -> {
                try {
                    Thread.sleep(drainSeconds * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.exit(0);
            }, "drain-then-exit");
            exit.setDaemon(true);
            exit.start();
        });
    }
}
