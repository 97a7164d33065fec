package io.recommender.featurestore;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The feature store's operations on users' raw state. Failures throw {@link FeatureStoreException}. */
public interface UserStateStore extends AutoCloseable {
    /** A user's whole state in one round trip; {@link UserState#empty} for a user with none. */
    UserState read(int userId);

    /**
     * As {@link #read}, without blocking the caller: the future fails with {@link FeatureStoreException} when the
     * state cannot be read (Redis unreachable, too slow, or a value not in the layout).
     */
    default java.util.concurrent.CompletableFuture<UserState> readAsync(int userId) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(read(userId));
        } catch (FeatureStoreException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Applies each event atomically (one Lua script call per event, all sent without waiting in between) and
     * appends it to the events stream; returns, per event, whether it changed the state (false: stale). Throws
     * unless every event was stored: then none is acknowledged, and sending them again is safe (a repeated
     * rating replaces itself).
     */
    List<Boolean> record(List<Event> events);

    /** Replaces the states of these users in bulk, pipelined; returns the ratings written. */
    long writeAll(Collection<UserState> states);

    /** Replaces the movie catalog (movie id -> {@link Genres} mask). */
    void writeCatalog(Map<Integer, Integer> genresByMovie);

    /** The movie catalog; empty when none was written. */
    Map<Integer, Integer> readCatalog();

    /**
     * The events stream, oldest first, read in pages (at most {@code max} events; the stream itself keeps about its
     * configured length): the ratings users gave since the store was loaded, for a training run to learn from.
     * Entries that are not a rating in the service's layout are counted in {@link StreamedEvents#malformed}.
     */
    StreamedEvents readEvents(int max);

    /** Events read from the stream, oldest first, and how many entries were not events. */
    record StreamedEvents(List<Event> events, int malformed) {}

    KeyLayout keys();

    @Override
    void close();
}
