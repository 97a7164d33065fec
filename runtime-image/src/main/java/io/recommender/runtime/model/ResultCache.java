package io.recommender.runtime.model;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Known users' rankings, each the exact kernel's top {@link LoadedModel#MAX_K} with the seen filter, computed
 * on a user's first request and then answering any {@code k <= MAX_K} as a prefix (the kernel's order is total,
 * so its top k is the first k of its top {@code MAX_K}; see {@code TopKKernel}). It lives inside its
 * {@link LoadedModel}, so a new bundle starts with an empty one.
 *
 * <p>Bounded and direct-mapped: user index {@code u} has the one slot {@code u % slots}, with
 * {@code slots = min(capacity, users)}. When every known user fits, nobody is ever evicted; otherwise users
 * sharing a slot replace each other. A lookup is one array read and one comparison, with no lock and no
 * allocation. Two threads missing the same user compute the same ranking, so whichever is stored is right.
 */
final class ResultCache {
    /**
     * A user's best rows and their scores, best first; shared with every answer: never modified. {@code version}:
     * what the ranking was computed from (the user's feature-store state fingerprint; 0 for the bundle's fixed row).
     */
    record Ranking(int user, long version, int[] rows, float[] scores) {
        Ranking(int user, int[] rows, float[] scores) {
            this(user, 0, rows, scores);
        }
    }

    private final AtomicReferenceArray<Ranking> slots;

    /**
     * @param capacity most users held, >= 1
     * @param users known users of the model
     */
    ResultCache(int capacity, int users) {
        slots = new AtomicReferenceArray<>(Math.min(capacity, users));
    }

    int slots() {
        return slots.length();
    }

    /** The user's ranking, or null when it is not held. */
    Ranking get(int user) {
        return get(user, 0);
    }

    /** The user's ranking computed from {@code version} of their features, or null when it is not held. */
    Ranking get(int user, long version) {
        // Acquire pairs with put's volatile write: a ranking seen here has its arrays fully written.
        Ranking r = slots.getAcquire(user % slots.length());
        return r != null && r.user() == user && r.version() == version ? r : null;
    }

    /** Stores a ranking; true when it replaced another user's. */
    boolean put(Ranking ranking) {
        Ranking previous = slots.getAndSet(ranking.user() % slots.length(), ranking);
        return previous != null && previous.user() != ranking.user();
    }
}
