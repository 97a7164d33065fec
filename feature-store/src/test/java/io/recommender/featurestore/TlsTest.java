package io.recommender.featurestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.recommender.featurestore.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} is TLS: a real redis-server with only a TLS port (a certificate made here with openssl) is
 * reached with {@code rediss://}, and not with {@code redis://}.
 */
class TlsTest {
    @TempDir
    Path tmp;

    @Test
    void rediss() throws Exception {
        RedisServer.assumeInstalled();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make a certificate");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-keyout", tmp.resolve("key.pem").toString(), "-out",
                tmp.resolve("cert.pem").toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("openssl.log").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl").isTrue();
        int tlsPort = RedisServer.freePort();
        try (RedisServer redis = RedisServer.launch("--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
                tmp.resolve("cert.pem").toString(), "--tls-key-file", tmp.resolve("key.pem").toString(),
                "--tls-ca-cert-file", tmp.resolve("cert.pem").toString(), "--tls-auth-clients", "no")) {
            // The test's certificate is self-signed: encryption without verifying it.
            String url = "rediss://127.0.0.1:" + tlsPort + "?verifyPeer=NONE";
            try (LettuceUserStateStore store = LettuceUserStateStore.connect(
                    RedisSettings.of(url, "tls:").withTimeout(Duration.ofSeconds(5)))) {
                store.record(List.of(new Event(1, 10, 8, 100, 1)));
                assertThat(store.read(1).count()).isEqualTo(1);
            }
            assertThatThrownBy(() -> LettuceUserStateStore.connect(
                    RedisSettings.of("redis://127.0.0.1:" + tlsPort, "tls:").withTimeout(Duration.ofMillis(500))))
                    .isInstanceOf(FeatureStoreException.class);
            // The plain port the helper also opens holds what the TLS client wrote: the same server.
            assertThat(redis.cli("HGET", "tls:{u:1}:s", "n").trim()).isEqualTo("1");
        }
    }
}
