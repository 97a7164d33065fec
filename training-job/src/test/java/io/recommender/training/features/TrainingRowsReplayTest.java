package io.recommender.training.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recommender.bundle.Manifest;
import io.recommender.featurestore.Event;
import io.recommender.featurestore.LettuceUserStateStore;
import io.recommender.featurestore.RedisSettings;
import io.recommender.featurestore.UserFeatures;
import io.recommender.featurestore.UserState;
import io.recommender.featurestore.UserStates;
import io.recommender.featurestore.testing.MovieLensSmall;
import io.recommender.featurestore.testing.RedisServer;
import io.recommender.training.data.MovieLensReader;
import io.recommender.training.data.Ratings;
import io.recommender.training.data.Split;
import io.recommender.training.pipeline.TrainingPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bit-for-bit promise: every ml-latest-small user's training ratings, sent as live events through a
 * real redis-server (shuffled, in batches) and read back, give with the manifest's parameters (round-tripped
 * through the manifest's JSON) exactly the user row training computed. The events are read from the CSV by the
 * test's own plain reader, not the training reader.
 */
class TrainingRowsReplayTest {
    private static Ratings ratings;
    private static Split split;
    private static List<Event> trainEvents;
    private static IntUnaryOperator itemIndex;

    @BeforeAll
    static void read() throws Exception {
        ratings = MovieLensReader.read(MovieLensSmall.dir());
        split = Split.of(ratings, 0.2, 0.1, 42);
        List<Event> all = MovieLensSmall.events();
        assertThat(all).hasSize(ratings.size());
        trainEvents = new ArrayList<>();
        for (int r : split.train()) {
            trainEvents.add(all.get(r));
        }
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < ratings.itemCount(); i++) {
            index.put(ratings.movie(i).movieId(), i);
        }
        itemIndex = movie -> index.getOrDefault(movie, -1);
    }

    /** The parameters as the service gets them: written into a manifest's JSON and read back. */
    private static UserFeatures fromManifest(Features f) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Manifest.UserFeatures m = json.readValue(json.writeValueAsString(TrainingPipeline.userFeatures(f.userFeatures())),
                Manifest.UserFeatures.class);
        return new UserFeatures(new UserFeatures.Parameters(m.historyLength(), m.genreShrinkage(), m.globalMean(),
                m.columnMean(), m.columnStd(), m.oovIndex(), m.maxHistory()));
    }

    @Test
    void eventsThroughRedisGiveEveryUsersTrainingRowBitForBit() throws Exception {
        RedisServer.assumeInstalled();
        Features f = FeatureBuilder.build(ratings, split.train(), 128);
        assertRedisRowsEqual(f, UserStates.DEFAULT_MAX_HISTORY, "full:");
    }

    /**
     * With a history bound that cuts most users' histories (the newest 40 kept), training applies the store's rule
     * too: rows still agree, and differ from the unbounded ones for users with more training ratings than that.
     */
    @Test
    void aHistoryBoundCutsTrainingAsItCutsTheStore() throws Exception {
        RedisServer.assumeInstalled();
        Features bounded = FeatureBuilder.build(ratings, split.train(), 128, 40);
        assertRedisRowsEqual(bounded, 40, "cut:");
        Features full = FeatureBuilder.build(ratings, split.train(), 128);
        int differ = 0;
        for (int u = 0; u < ratings.userCount(); u++) {
            if (!Arrays.equals(row(bounded, u), row(full, u))) {
                differ++;
            }
        }
        assertThat(differ).as("users whose row the bound changed").isGreaterThan(ratings.userCount() / 2);
    }

    private static void assertRedisRowsEqual(Features f, int maxHistory, String prefix) throws Exception {
        UserFeatures transform = fromManifest(f);
        List<Event> shuffled = new ArrayList<>(trainEvents);
        Collections.shuffle(shuffled, new Random(11));
        try (RedisServer redis = RedisServer.launch();
                LettuceUserStateStore store = LettuceUserStateStore.connect(RedisSettings.of(redis.url(), prefix)
                        .withTimeout(Duration.ofSeconds(10)).withMaxHistory(maxHistory))) {
            for (int from = 0; from < shuffled.size(); from += 1000) {
                store.record(shuffled.subList(from, Math.min(shuffled.size(), from + 1000)));
            }
            int checked = 0;
            for (int u = 0; u < ratings.userCount(); u++) {
                UserState state = store.read(ratings.userId(u));
                float[] served = transform.row(state, u, itemIndex);
                assertThat(bits(served)).as("user %d's row from Redis", ratings.userId(u)).isEqualTo(bits(row(f, u)));
                checked++;
            }
            assertThat(checked).isEqualTo(610);
        }
    }

    @Test
    void aUserTheModelNeverSawGetsTheOutOfVocabularyIndexAndTheirOwnFeatures() {
        Features f = FeatureBuilder.build(ratings, split.train(), 128);
        UserFeatures transform = new UserFeatures(f.userFeatures());
        assertThat(f.userFeatures().oovIndex()).isEqualTo(ratings.userCount());
        UserState stranger = UserStates.replay(List.of(new Event(999_999, 1, 10, 5, 0), new Event(999_999, 2, 6, 6, 0)))
                .get(999_999);
        float[] row = transform.row(stranger, -1, itemIndex);
        assertThat(row[0]).isEqualTo(ratings.userCount());
        int h = 128;
        int side = UserFeatures.SIDE_WIDTH;
        assertThat(row[side]).isEqualTo(itemIndex.applyAsInt(1));
        assertThat(row[side + 1]).isEqualTo(itemIndex.applyAsInt(2));
        assertThat(row[side + h]).isEqualTo(1f);
        assertThat(row[side + h + 1]).isEqualTo(0.6f);
        assertThat(row[side + 2]).isZero();
        assertThat(row[side + h + 2]).isZero();
    }

    private static float[] row(Features f, int u) {
        return Arrays.copyOfRange(f.userRows(), u * f.userWidth(), (u + 1) * f.userWidth());
    }

    private static int[] bits(float[] row) {
        int[] out = new int[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = Float.floatToRawIntBits(row[i]);
        }
        return out;
    }
}
