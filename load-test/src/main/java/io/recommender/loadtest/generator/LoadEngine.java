package io.recommender.loadtest.generator;

import io.recommender.loadtest.stats.RequestStats;

/**
 * Runs the simulated users of one load ({@link Engine} picks which implementation): {@link LoadGenerator.Config#users}
 * of them, each with at most one request in flight, paced together to {@link LoadGenerator.Config#rps} and each
 * pausing {@link LoadGenerator.Config#pause} after an answer. Both engines keep to the same {@link LoadWindow}, send
 * the same requests and record the same figures; they differ in what carries a user (a thread, or a state machine on
 * an event loop), and so in how exactly an answer is timed.
 *
 * <p>Opening an engine sets it up (threads, connection pools) before the window opens, so that neither the warm-up
 * nor the measured load pays for it.
 */
interface LoadEngine extends AutoCloseable {

    /**
     * Runs the users until the window ends, and returns once every one has stopped (or, stuck, has been cut off),
     * with what they recorded in the measured part of the window.
     */
    RequestStats run(LoadWindow window);

    /** Releases what opening took; no thread or connection of the engine's is left after it. */
    @Override
    void close();
}
