package io.recommender.runtime.model;

import io.recommender.runtime.embedding.EmbeddingSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Runs the uncached serving path (the user's embedding from the configured source, then the exact top-K scan) for
 * known users before the service reports ready, so that the JIT has compiled it when the first real request, or
 * the latency gate's, arrives: a fresh JVM otherwise answers its first thousands of computed requests several
 * times slower than a warm one (docs/benchmarks.md, "Warm-up before ready"), and the gate would measure that
 * instead of the version. TensorFlow Serving ships the same idea as SavedModel warm-up requests.
 *
 * <p>It begins once the embedding source answers: at once for the in-process model, inside start-up; with
 * TensorFlow Serving beside or behind the pod, which may come up later, on a thread of its own that waits for it.
 * A few runs are in flight at a time, and it ends after {@code runs} runs or {@code maxDuration}, whichever comes
 * first. An embedding failure ends it early: readiness then reports the source's own reason. Answers are not kept:
 * the result cache stays empty.
 */
final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final int CONCURRENCY = 4;
    private static final Duration SOURCE_POLL = Duration.ofMillis(200);
    private static final AtomicIntegerFieldUpdater<Warmup> COMPLETED =
            AtomicIntegerFieldUpdater.newUpdater(Warmup.class, "completed");

    private final EmbeddingSource source;
    private final int runs;
    private final Duration maxDuration;
    private volatile boolean done;
    private volatile int completed;

    Warmup(EmbeddingSource source, int runs, Duration maxDuration) {
        this.source = source;
        this.runs = Math.max(0, runs);
        this.maxDuration = maxDuration;
        this.done = this.runs == 0;
    }

    /** Runs it now when the source already answers, else on a thread of its own once it does. */
    void start(LoadedModel model) {
        if (done) {
            return;
        }
        if (sourceReady()) {
            run(model);
            return;
        }
        Thread t = new Thread(() -> {
            try {
                while (!sourceReady()) {
                    Thread.sleep(SOURCE_POLL.toMillis());
                }
                run(model);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = true;
            }
        }, "warmup");
        t.setDaemon(true);
        t.start();
    }

    boolean done() {
        return done;
    }

    int completed() {
        return completed;
    }

    /** What readiness says while it runs. */
    String progress() {
        return "warming up: " + completed + " of " + runs + " uncached recommendations computed";
    }

    private boolean sourceReady() {
        Optional<String> reason = source.unreadyReason().block(Duration.ofSeconds(5));
        return reason == null || reason.isEmpty();
    }

    private void run(LoadedModel m) {
        long start = System.nanoTime();
        int users = m.userCount();
        // What a request computes: the top MAX_K for the result cache, or the default k without it.
        int k = m.results() != null ? LoadedModel.MAX_K : 10;
        String stopped = null;
        try {
            // A few in flight, as under load: with TensorFlow Serving most of a run is the round trip.
            Flux.range(0, users == 0 ? 0 : runs)
                    .flatMap(i -> {
                        // Spread over the users, so that the scan sees many different seen-sets and embeddings.
                        int user = (int) ((i * 2654435761L) % users);
                        return source.embed(user, m.userInput(user)).map(embedding -> {
                            m.kernel().topK(embedding, k, m.seenRows(user), new int[k], new float[k]);
                            return COMPLETED.incrementAndGet(this);
                        });
                    }, CONCURRENCY)
                    .take(maxDuration)
                    .blockLast(maxDuration.plusSeconds(5));
        } catch (RuntimeException e) {
            stopped = e.getMessage();
        } finally {
            done = true;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (stopped == null) {
            LOG.info("warm-up: {} uncached recommendations computed in {} ms", completed, ms);
        } else {
            LOG.warn("warm-up stopped after {} uncached recommendations ({} ms): {}", completed, ms, stopped);
        }
    }
}
