package io.recommender.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recommender.loadtest.TestTarget;
import io.recommender.loadtest.generator.Endpoint;
import io.recommender.loadtest.generator.LoadGenerator;
import io.recommender.loadtest.generator.UserIdMix;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

/**
 * The worker against a stand-in master that speaks the Locust 2.x protocol as Locust 2.47's MasterRunner does (the
 * same check against a real Locust master is load-test/locust/check-against-locust.sh).
 */
class Locust2WorkerTest {

    private static LoadGenerator.Config template(URI target) {
        return new LoadGenerator.Config(target, Endpoint.PREDICT, 1, 0, Duration.ofMinutes(5), Duration.ZERO,
            Duration.ofSeconds(2), new UserIdMix(1, 610, 0.1), 1);
    }

    @Test
    void followsAMasterThroughSpawnStopAndQuitReportingEveryRequestOnce() throws Exception {
        try (TestTarget target = new TestTarget(TestTarget.delayed(userId -> 1));
             FakeMaster master = new FakeMaster()) {
            // The template's target is unreachable: the master's host must be the one loaded.
            Locust2Worker worker = new Locust2Worker("127.0.0.1", master.port, Duration.ofSeconds(10),
                template(URI.create("http://127.0.0.1:1")));
            CompletableFuture<Locust2Worker.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    return worker.run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            LocustMessage ready = master.receive();
            assertThat(ready.type()).isEqualTo("client_ready");
            assertThat(ready.data()).isEqualTo(Locust2Worker.PROTOCOL_VERSION);
            master.send("ack", Map.of("index", 0L));

            Map<String, Object> spawn = new LinkedHashMap<>();
            spawn.put("timestamp", 1.0);
            spawn.put("user_classes_count", Map.of("RecommenderUser", 3L));
            spawn.put("host", target.uri().toString());
            spawn.put("stop_timeout", null);
            spawn.put("parsed_options", Map.of());
            master.send("spawn", spawn);
            assertThat(master.receiveSkipping("heartbeat", "stats").type()).isEqualTo("spawning");
            LocustMessage complete = master.receiveSkipping("heartbeat", "stats");
            assertThat(complete.type()).isEqualTo("spawning_complete");
            assertThat(complete.dataMap()).containsEntry("user_count", 3L)
                .containsEntry("user_classes_count", Map.of("RecommenderUser", 3L));

            LocustMessage heartbeat = master.receiveSkipping("stats");
            assertThat(heartbeat.type()).isEqualTo("heartbeat");
            assertThat(heartbeat.dataMap()).containsKeys("state", "current_cpu_usage", "current_memory_usage");

            long reported = 0;
            while (reported == 0) {
                LocustMessage stats = master.receiveSkipping("heartbeat");
                assertThat(stats.type()).isEqualTo("stats");
                assertThat(stats.dataMap()).containsEntry("user_count", 3L);
                reported += master.requestsIn(stats);
            }

            master.send("stop", null);
            LocustMessage stopped = master.receiveSkipping("heartbeat", "stats");
            assertThat(stopped.type()).isEqualTo("client_stopped");
            assertThat(master.receiveSkipping("heartbeat", "stats").type()).isEqualTo("client_ready");

            master.send("quit", null);
            Locust2Worker.Outcome result = outcome.get(30, TimeUnit.SECONDS);
            assertThat(result.ended()).isEqualTo("quit by the master");
            assertThat(result.config().users()).isEqualTo(3);
            assertThat(result.config().target()).isEqualTo(target.uri());
            assertThat(result.result().stats().requests()).isPositive();
            LocustMessage last = master.receiveSkipping("heartbeat");
            assertThat(last.type()).as("the final report after quit").isEqualTo("stats");
            assertThat(master.requestsReported()).isEqualTo(result.result().stats().requests());
            assertThat(target.requestsSeen()).isEqualTo(result.result().stats().requests() + 1);
        }
    }

    @Test
    void anUnreachableTargetIsReportedToTheMasterAsAnException() throws Exception {
        try (FakeMaster master = new FakeMaster()) {
            URI nowhere = TestTarget.nothingListening();
            Locust2Worker worker = new Locust2Worker("127.0.0.1", master.port, Duration.ofSeconds(10),
                template(nowhere));
            CompletableFuture<Locust2Worker.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    return worker.run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(master.receive().type()).isEqualTo("client_ready");
            master.send("ack", Map.of("index", 0L));
            Map<String, Object> spawn = new LinkedHashMap<>();
            spawn.put("timestamp", 1.0);
            spawn.put("user_classes_count", Map.of("RecommenderUser", 1L));
            spawn.put("host", null);
            master.send("spawn", spawn);

            LocustMessage exception = master.receiveSkipping("heartbeat", "stats", "spawning", "spawning_complete");
            assertThat(exception.type()).isEqualTo("exception");
            assertThat((String) exception.dataMap().get("msg")).startsWith("target unreachable: connection failed");

            master.send("quit", null);
            Locust2Worker.Outcome result = outcome.get(30, TimeUnit.SECONDS);
            assertThat(result.result().abortReason()).startsWith("target unreachable: ");
            assertThat(result.config().target()).isEqualTo(nowhere);
        }
    }

    @Test
    void noMasterMeansAnErrorWithinTheConnectTimeout() throws IOException {
        try (FakeMaster silent = new FakeMaster()) {
            Locust2Worker worker = new Locust2Worker("127.0.0.1", silent.port, Duration.ofMillis(700),
                template(URI.create("http://127.0.0.1:1")));
            long start = System.nanoTime();
            assertThatThrownBy(worker::run).isInstanceOf(IOException.class)
                .hasMessage("no Locust master answered at 127.0.0.1:" + silent.port + " within 700 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** A ROUTER socket, as a Locust master binds, that tallies the requests in every stats message it receives. */
    private static final class FakeMaster implements AutoCloseable {
        private final ZMQ.Context context = ZMQ.context(1);
        private final ZMQ.Socket socket = context.socket(ZMQ.ROUTER);
        private final int port;
        private byte[] worker;
        private long requestsReported;

        FakeMaster() {
            socket.setLinger(0);
            socket.setReceiveTimeOut(10_000);
            port = socket.bindToRandomPort("tcp://127.0.0.1");
        }

        LocustMessage receive() throws IOException {
            byte[] identity = socket.recv(0);
            if (identity == null) {
                throw new IOException("no message from the worker within 10 s");
            }
            worker = identity;
            LocustMessage message = LocustMessage.fromBytes(socket.recv(0));
            if ("stats".equals(message.type())) {
                requestsReported += requestsIn(message);
            }
            return message;
        }

        /** The next message whose type is not one of {@code skipped}. */
        LocustMessage receiveSkipping(String... skipped) throws IOException {
            while (true) {
                LocustMessage message = receive();
                if (!List.of(skipped).contains(message.type())) {
                    return message;
                }
            }
        }

        long requestsIn(LocustMessage stats) {
            Object total = stats.dataMap().get("stats_total");
            return ((Number) ((Map<?, ?>) total).get("num_requests")).longValue();
        }

        long requestsReported() {
            return requestsReported;
        }

        void send(String type, Object data) throws IOException {
            socket.sendMore(worker);
            socket.send(new LocustMessage(type, data, new String(worker, StandardCharsets.UTF_8)).toBytes(), 0);
        }

        @Override
        public void close() {
            socket.close();
            context.term();
        }
    }
}
