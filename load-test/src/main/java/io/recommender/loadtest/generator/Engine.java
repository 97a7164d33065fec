package io.recommender.loadtest.generator;

import java.util.Locale;

/** Which {@link LoadEngine} runs the simulated users. Both send the same requests and record the same figures. */
public enum Engine {

    /**
     * Every user a state machine on one Netty I/O thread: an answer is timed when its last bytes are read, on the
     * thread that reads them, so the latency measured is the target's and the network's, not the wait for a thread
     * to be scheduled. The default.
     */
    EVENT_LOOP {
        @Override
        LoadEngine open(LoadGenerator.Config config, RequestListener listener) {
            return new EventLoopEngine(config, listener);
        }
    },

    /**
     * locust4j's model: every user a thread running a locust4j task that blocks on its request. Simple to extend
     * with blocking code, but an answer is timed only when its user's thread runs again, so with many users on few
     * cores the tail latency measured includes the client's own scheduling delays.
     */
    LOCUST4J {
        @Override
        LoadEngine open(LoadGenerator.Config config, RequestListener listener) {
            return new ThreadPerUserEngine(config, listener);
        }
    };

    /** Sets up this engine for one load; {@link LoadEngine#close} releases it. */
    abstract LoadEngine open(LoadGenerator.Config config, RequestListener listener);

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Engine fromCliName(String name) {
        for (Engine engine : values()) {
            if (engine.cliName().equals(name)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("unknown engine " + name + ": event-loop or locust4j");
    }
}
