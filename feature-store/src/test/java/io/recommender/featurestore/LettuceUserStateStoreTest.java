package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.featurestore.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Lettuce store against a real single-node redis-server. */
class LettuceUserStateStoreTest {
    private static RedisServer redis;
    private static LettuceUserStateStore store;

    @BeforeAll
    static void start() throws Exception {
        RedisServer.assumeInstalled();
        redis = RedisServer.launch();
        store = LettuceUserStateStore.connect(RedisSettings.of(redis.url(), "t:").withTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void flush() {
        redis.cli("FLUSHALL");
    }

    @Test
    void eventsAreAppliedAsTheReplayDoesAndReadBackInOneCall() {
        List<Event> events = List.of(new Event(3, 10, 8, 1000, 0b101), new Event(3, 11, 5, 1001, 0b1),
                new Event(3, 10, 2, 1002, 0b101), new Event(3, 10, 9, 900, 0b101), new Event(4, 10, 10, 5, 0b101));
        assertThat(store.record(events)).containsExactly(true, true, true, false, true);
        Map<Integer, UserState> expected = UserStates.replay(events);
        assertThat(store.read(3)).isEqualTo(expected.get(3));
        assertThat(store.read(4)).isEqualTo(expected.get(4));
        assertThat(store.read(3).count()).isEqualTo(2);
        assertThat(store.read(3).sumHalfStars()).isEqualTo(7);
        assertThat(store.read(99)).isEqualTo(UserState.empty(99));
        assertThat(redis.cli("XLEN", "t:{events}").trim()).isEqualTo("5");
        assertThat(redis.cli("HGETALL", "t:{u:3}:s")).contains("gn:0", "gs:2");
    }

    @Test
    void aFullHistoryIsTrimmedLikeTheReplay() throws Exception {
        try (LettuceUserStateStore small = LettuceUserStateStore.connect(
                RedisSettings.of(redis.url(), "t:").withMaxHistory(3).withTimeout(Duration.ofSeconds(5)))) {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(new Event(1, 100 + i, 1 + i, 50 - i * 3 + (i % 2) * 40, 1 << (i % 19)));
            }
            small.record(events);
            assertThat(small.read(1)).isEqualTo(UserStates.replay(events, 3).get(1));
            assertThat(small.read(1).items()).hasSize(3);
        }
    }

    @Test
    void theBulkLoadWritesTheReplayedStatesAndTwiceGivesTheSameKeys() {
        List<Event> events = List.of(new Event(1, 1, 4, 10, 3), new Event(1, 2, 6, 11, 0), new Event(2, 1, 10, 12, 3));
        Map<Integer, UserState> states = UserStates.replay(events);
        assertThat(store.writeAll(states.values())).isEqualTo(3);
        String first = dump();
        store.writeAll(states.values());
        assertThat(dump()).isEqualTo(first);
        assertThat(store.read(1)).isEqualTo(states.get(1));
        assertThat(store.read(2)).isEqualTo(states.get(2));
        // The bulk load leaves exactly the keys and fields live events would have made.
        String bulk = dump();
        redis.cli("FLUSHALL");
        store.record(events);
        redis.cli("DEL", "t:{events}");
        assertThat(dump()).isEqualTo(bulk);
    }

    /**
     * The event is refused as corrupt state, and the keys are as before it apart from the event stream (the stream
     * is deleted before comparing).
     */
    private static void assertRefusedAsCorruptWritingNothing(Event event, String message) {
        String before = dump();
        assertThatThrownBy(() -> store.record(List.of(event)))
                .isInstanceOfSatisfying(FeatureStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CORRUPT))
                .hasMessageContaining(message);
        redis.cli("DEL", "t:{events}");
        assertThat(dump()).isEqualTo(before.replaceAll("(?m)^t:\\{events}.*\\n", ""));
    }

    private static String dump() {
        StringBuilder b = new StringBuilder();
        for (String key : redis.cli("--scan").lines().sorted().toList()) {
            String type = redis.cli("TYPE", key).trim();
            b.append(key).append(' ').append(type).append(": ");
            b.append(switch (type) {
                case "hash" -> pairs(redis.cli("HGETALL", key).lines().toList()).toString();
                case "zset" -> redis.cli("ZRANGE", key, "0", "-1", "WITHSCORES").lines().toList().toString();
                default -> type;
            });
            b.append('\n');
        }
        return b.toString();
    }

    /** A hash's fields in field order (their storage order is not part of the state). */
    private static Map<String, String> pairs(List<String> flat) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            out.put(flat.get(i), flat.get(i + 1));
        }
        return out;
    }

    @Test
    void theCatalogRoundTrips() {
        store.writeCatalog(Map.of(1, 3, 2, 0, 193609, 1 << 18));
        assertThat(store.readCatalog()).isEqualTo(Map.of(1, 3, 2, 0, 193609, 1 << 18));
        redis.cli("HSET", "t:{catalog}:genres", "x", "y");
        assertThatThrownBy(store::readCatalog).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("not a movie id");
    }

    @Test
    void theEventsStreamIsReadBackInOrderAcrossPagesAndForeignEntriesAreCounted() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 25_003; i++) {
            events.add(new Event(1 + i % 97, 1 + i % 1009, 1 + i % 10, 1_000_000L + i, 0b1));
        }
        for (int from = 0; from < events.size(); from += 1000) {
            store.record(events.subList(from, Math.min(events.size(), from + 1000)));
        }
        redis.cli("XADD", "t:{events}", "*", "u", "not-a-user", "m", "1", "r", "8", "t", "5");
        store.record(List.of(new Event(7, 8, 9, 2_000_000L, 0)));
        UserStateStore.StreamedEvents read = store.readEvents(1_000_000);
        assertThat(read.malformed()).isEqualTo(1);
        assertThat(read.events()).hasSize(25_004);
        // As stored, in the order they came, without their genres (the stream does not keep them).
        assertThat(read.events().get(0)).isEqualTo(new Event(1, 1, 1, 1_000_000L, 0));
        assertThat(read.events().get(25_002)).isEqualTo(new Event(1 + 25_002 % 97, 1 + 25_002 % 1009,
                1 + 25_002 % 10, 1_000_000L + 25_002, 0));
        assertThat(read.events().get(25_003)).isEqualTo(new Event(7, 8, 9, 2_000_000L, 0));
        assertThat(store.readEvents(12_000).events()).hasSize(12_000);
        redis.cli("DEL", "t:{events}");
        assertThat(store.readEvents(10).events()).isEmpty();
    }

    @Test
    void aLargeCatalogIsReadAndWrittenUnderTheConnectTimeoutWhileRequestCallsKeepTheShortOne() throws Exception {
        Map<Integer, Integer> large = new java.util.HashMap<>();
        for (int movie = 1; movie <= 200_000; movie++) {
            large.put(movie, movie & ((1 << Genres.COUNT) - 1));
        }
        // 1 ms per request call: far less than moving 200,000 catalog entries takes, far more than a user's read.
        try (LettuceUserStateStore tight = LettuceUserStateStore.connect(RedisSettings.of(redis.url(), "t:")
                .withTimeout(Duration.ofMillis(1)).withConnectTimeout(Duration.ofSeconds(5)))) {
            tight.writeCatalog(large);
            assertThat(tight.readCatalog()).isEqualTo(large);
        }
        assertThat(LettuceUserStateStore.PerCommandTimeout.isBulk(io.lettuce.core.protocol.CommandType.EVALSHA)).isFalse();
        assertThat(LettuceUserStateStore.PerCommandTimeout.isBulk(io.lettuce.core.protocol.CommandType.XADD)).isFalse();
    }

    @Test
    void aCorruptValueWrittenBySomeoneElseIsReportedAndNothingIsHalfWritten() {
        store.record(List.of(new Event(5, 1, 4, 10, 1)));
        redis.cli("HSET", "t:{u:5}:s", "gs:0", "lots");
        assertRefusedAsCorruptWritingNothing(new Event(5, 2, 4, 11, 1), "t:{u:5}:s field gs:0 is not an integer");
        assertThatThrownBy(() -> store.read(5)).isInstanceOf(FeatureStoreException.class)
                .hasMessageContaining("'lots' is not an integer");

        redis.cli("SET", "t:{u:6}:h", "oops");
        assertThatThrownBy(() -> store.record(List.of(new Event(6, 2, 4, 11, 1))))
                .hasMessageContaining("t:{u:6}:h is a string, not a zset");
        redis.cli("SET", "t:{u:6}:s", "oops");
        assertThatThrownBy(() -> store.read(6)).isInstanceOfSatisfying(FeatureStoreException.class,
                e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CORRUPT));

        // The ratings and the history disagree: a read of the packed history is unaffected. Without it (a state
        // written before it existed), the script read and the next event say which keys, and the event writes
        // nothing.
        store.record(List.of(new Event(7, 2, 4, 11, 1), new Event(7, 3, 6, 12, 0)));
        UserState seven = store.read(7);
        redis.cli("HDEL", "t:{u:7}:r", "2");
        assertThat(store.read(7)).isEqualTo(seven);
        redis.cli("HDEL", "t:{u:7}:s", KeyLayout.PACKED_HISTORY);
        assertRefusedAsCorruptWritingNothing(new Event(7, 4, 8, 13, 1),
                "t:{u:7}:r has 1 ratings but t:{u:7}:h has 2 movies");
        assertThatThrownBy(() -> store.read(7)).isInstanceOfSatisfying(FeatureStoreException.class,
                e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CORRUPT))
                .hasMessageContaining("t:{u:7}:r has 1 ratings but t:{u:7}:h has 2 movies");
        redis.cli("HSET", "t:{u:7}:r", "9", "4");
        assertThatThrownBy(() -> store.read(7)).hasMessageContaining("t:{u:7}:h has movie 2 but t:{u:7}:r has no rating");
        assertThatThrownBy(() -> store.record(List.of(new Event(7, 4, 8, 13, 1))))
                .hasMessageContaining("t:{u:7}:h has movie 2 but t:{u:7}:r has no rating");
        redis.cli("HSET", "t:{u:7}:r", "2", "x");
        redis.cli("HDEL", "t:{u:7}:r", "9");
        assertThatThrownBy(() -> store.read(7)).hasMessageContaining("'x' is not an integer");

        // The packed history itself written by someone else.
        store.record(List.of(new Event(9, 2, 4, 11, 1)));
        redis.cli("HSET", "t:{u:9}:s", KeyLayout.PACKED_HISTORY, "2;4;11");
        assertThatThrownBy(() -> store.read(9)).isInstanceOfSatisfying(FeatureStoreException.class,
                e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CORRUPT))
                .hasMessageContaining("t:{u:9}:s field h").hasMessageContaining("'2'");
    }

    @Test
    void aStateWrittenBeforeThePackedHistoryIsReadTheSameWithTheScript() {
        List<Event> events = List.of(new Event(3, 10, 8, 1000, 0b101), new Event(3, 11, 5, 1001, 0b1),
                new Event(3, 12, 7, 1001, 0b1), new Event(3, 100, 9, 999, 0));
        store.record(events);
        UserState expected = UserStates.replay(events).get(3);
        // In the order the events came; the read sorts it.
        assertThat(redis.cli("HGET", "t:{u:3}:s", KeyLayout.PACKED_HISTORY).trim())
                .isEqualTo("10,8,1000;11,5,1001;12,7,1001;100,9,999;");
        assertThat(store.read(3)).isEqualTo(expected);
        redis.cli("HDEL", "t:{u:3}:s", KeyLayout.PACKED_HISTORY);
        assertThat(store.read(3)).isEqualTo(expected);
        // The next event writes the field again, packed from the sorted set: oldest first.
        store.record(List.of(new Event(3, 13, 6, 1002, 0)));
        assertThat(redis.cli("HGET", "t:{u:3}:s", KeyLayout.PACKED_HISTORY).trim())
                .isEqualTo("100,9,999;10,8,1000;11,5,1001;12,7,1001;13,6,1002;");
        // A re-rating moves the movie's entry to the end; a trimmed movie's entry goes with it.
        store.record(List.of(new Event(3, 10, 2, 1003, 0b101)));
        assertThat(redis.cli("HGET", "t:{u:3}:s", KeyLayout.PACKED_HISTORY).trim())
                .isEqualTo("100,9,999;11,5,1001;12,7,1001;13,6,1002;10,2,1003;");
        assertThat(store.read(3)).isEqualTo(UserStates.replay(concat(events, List.of(new Event(3, 13, 6, 1002, 0),
                new Event(3, 10, 2, 1003, 0b101)))).get(3));
    }

    private static List<Event> concat(List<Event> a, List<Event> b) {
        List<Event> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void aMissingScriptIsSentAgain() {
        redis.cli("SCRIPT", "FLUSH");
        store.record(List.of(new Event(8, 1, 4, 10, 1)));
        assertThat(store.read(8).count()).isEqualTo(1);
    }

    @Test
    void theStreamIsBounded() throws Exception {
        RedisSettings s = RedisSettings.of(redis.url(), "t:");
        try (LettuceUserStateStore bounded = LettuceUserStateStore.connect(new RedisSettings(s.url(), s.prefix(),
                Duration.ofSeconds(5), s.connectTimeout(), s.maxHistory(), 100))) {
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                events.add(new Event(i % 7, i, 5, i, 0));
            }
            bounded.record(events);
            assertThat(Integer.parseInt(redis.cli("XLEN", "t:{events}").trim())).isBetween(100, 300);
        }
    }

    @Test
    void aReadOnlyReplicaRefusesAndSaysSo() throws Exception {
        try (RedisServer replica = RedisServer.launch("--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                LettuceUserStateStore ro = LettuceUserStateStore.connect(RedisSettings.of(replica.url(), "t:")
                        .withTimeout(Duration.ofSeconds(5)))) {
            assertThatThrownBy(() -> ro.record(List.of(new Event(1, 1, 4, 10, 1))))
                    .isInstanceOfSatisfying(FeatureStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.READ_ONLY))
                    .hasMessageContaining("READONLY");
        }
    }

    @Test
    void aWrongPasswordIsAConfigurationError() throws Exception {
        try (RedisServer secured = RedisServer.launch("--requirepass", "s3cret")) {
            assertThatThrownBy(() -> LettuceUserStateStore.connect(RedisSettings.of(
                    "redis://:wrong@127.0.0.1:" + secured.port(), "t:")))
                    .isInstanceOfSatisfying(FeatureStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CONFIGURATION))
                    .hasMessageNotContaining("wrong");
            try (LettuceUserStateStore ok = LettuceUserStateStore.connect(RedisSettings.of(
                    "redis://:s3cret@127.0.0.1:" + secured.port() + "/2", "t:").withTimeout(Duration.ofSeconds(5)))) {
                ok.record(List.of(new Event(1, 1, 4, 10, 1)));
                assertThat(ok.read(1).count()).isEqualTo(1);
            }
        }
    }

    @Test
    void aStoppedOrStalledServerIsUnavailableWithinTheTimeoutAndTheStoreRecovers() throws Exception {
        try (RedisServer own = RedisServer.launch();
                LettuceUserStateStore s = LettuceUserStateStore.connect(RedisSettings.of(own.url(), "t:"))) {
            s.record(List.of(new Event(1, 1, 4, 10, 1)));
            own.pause();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.record(List.of(new Event(1, 2, 4, 11, 1))))
                    .isInstanceOfSatisfying(FeatureStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.UNAVAILABLE))
                    .hasMessageContaining("did not answer in time");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            own.resume();
            own.stop();
            assertThatThrownBy(() -> s.record(List.of(new Event(1, 3, 4, 12, 1))))
                    .isInstanceOfSatisfying(FeatureStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.UNAVAILABLE));
            own.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try {
                    s.record(List.of(new Event(1, 4, 4, 13, 1)));
                    break;
                } catch (FeatureStoreException e) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            assertThat(s.read(1).items()).extracting(RatedItem::movieId).containsExactly(4);
        }
    }
}
