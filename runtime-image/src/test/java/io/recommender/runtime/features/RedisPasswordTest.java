package io.recommender.runtime.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.recommender.featurestore.FeatureStoreException;
import io.recommender.featurestore.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code RECOMMENDER_REDIS_PASSWORD} against a real redis-server that requires a password: it is used, it wins
 * over a (wrong) password in the URL, a wrong one is a configuration error, and it never reaches a log line or
 * the configuration's text.
 */
class RedisPasswordTest {
    private static final String SECRET = "s3cret-Pa55word";

    private static FeatureSourceConfig config(String url, String password) {
        return new FeatureSourceConfig(FeatureSourceConfig.Source.REDIS, url, "pw:", Duration.ofSeconds(2), 5000,
                1000, password);
    }

    @Test
    void thePasswordIsUsedWinsOverTheUrlsAndIsNeverLogged() throws Exception {
        RedisServer.assumeInstalled();
        Logger logger = (Logger) LoggerFactory.getLogger(FeatureStoreClient.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try (RedisServer redis = RedisServer.launch("--requirepass", SECRET)) {
            String hostPort = redis.url().substring("redis://".length());
            FeatureSourceConfig given = config(redis.url(), SECRET);
            assertThat(given.toString()).doesNotContain(SECRET);
            FeatureStoreClient ok = new FeatureStoreClient(given);
            assertThat(ok.store().read(1).isEmpty()).isTrue();
            ok.close();

            FeatureStoreClient wins = new FeatureStoreClient(config("redis://:wrong@" + hostPort, SECRET));
            assertThat(wins.store().read(1).isEmpty()).isTrue();
            wins.close();

            FeatureStoreClient wrong = new FeatureStoreClient(config(redis.url(), "not-it"));
            assertThatThrownBy(wrong::store).isInstanceOfSatisfying(FeatureStoreException.class,
                    e -> assertThat(e.kind()).isEqualTo(FeatureStoreException.Kind.CONFIGURATION));
            wrong.close();

            FeatureStoreClient none = new FeatureStoreClient(config(redis.url(), ""));
            assertThatThrownBy(none::store).isInstanceOf(FeatureStoreException.class);
            none.close();
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET));
    }
}
