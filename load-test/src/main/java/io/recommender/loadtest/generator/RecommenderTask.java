package io.recommender.loadtest.generator;

import com.github.myzhan.locust4j.AbstractTask;
import io.recommender.loadtest.stats.CacheAnswer;
import io.recommender.loadtest.stats.RequestStats;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * One simulated user's request: asks the recommender about a user id drawn from the mix, and records the outcome.
 * Each worker thread gets its own instance (its own random stream and stats), so {@link #execute} needs no locking.
 */
final class RecommenderTask extends AbstractTask {

    private final TargetClient client;
    private final Endpoint endpoint;
    private final UserIdMix mix;
    private final SplittableRandom random;
    private final LoadWindow window;
    private final RequestStats stats;
    private final RequestListener listener;

    /**
     * @param window requests it sends in the warm-up are made, not recorded
     */
    RecommenderTask(TargetClient client, Endpoint endpoint, UserIdMix mix, SplittableRandom random,
                    LoadWindow window, RequestStats stats, RequestListener listener) {
        this.client = client;
        this.endpoint = endpoint;
        this.mix = mix;
        this.random = random;
        this.window = window;
        this.stats = stats;
        this.listener = listener;
    }

    @Override
    public int getWeight() {
        return 1;
    }

    @Override
    public String getName() {
        return endpoint.statsName();
    }

    @Override
    public void execute() {
        long userId = mix.next(random);
        long start = System.nanoTime();
        String error;
        CacheAnswer cache = CacheAnswer.UNKNOWN;
        try {
            TargetClient.Answer answer = client.call(endpoint, userId);
            error = endpoint.judge(answer.status(), answer.body());
            cache = answer.cache();
        } catch (IOException e) {
            error = client.describe(e);
        } catch (RuntimeException e) {
            error = "client error: " + e;
        }
        long elapsed = System.nanoTime() - start;
        if (window.measures(start)) {
            stats.record(start, elapsed, error, cache);
            listener.onRequest(userId, start, elapsed, error);
        }
    }
}
