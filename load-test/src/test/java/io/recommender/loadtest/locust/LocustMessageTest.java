package io.recommender.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Byte vectors printed by Locust 2.47's own {@code locust.rpc.protocol.Message.serialize}. */
class LocustMessageTest {

    private static final String SPAWN_FROM_LOCUST = "93a5737061776e85a974696d657374616d70cb41dac24fc5100000b2757365"
        + "725f636c61737365735f636f756e7481af5265636f6d6d656e6465725573657205a4686f7374b5687474703a2f2f3132372e302e302e"
        + "313a38303830ac73746f705f74696d656f7574c0ae7061727365645f6f7074696f6e7382a47461677392a16101ae6578706563745f77"
        + "6f726b65727301a8776f726b65725f31";
    private static final String STATS_FROM_LOCUST = "93a5737461747381ab73746174735f746f74616c82ae726573706f6e73655f7"
        + "4696d6573820003cc8c02b16d61785f726573706f6e73655f74696d65cb4035800000000000a177";

    @Test
    void readsANestedSpawnMessageOfALocustMaster() throws IOException {
        LocustMessage message = LocustMessage.fromBytes(HexFormat.of().parseHex(SPAWN_FROM_LOCUST));

        assertThat(message.type()).isEqualTo("spawn");
        assertThat(message.nodeId()).isEqualTo("worker_1");
        Map<Object, Object> data = message.dataMap();
        assertThat(data.get("timestamp")).isEqualTo(1795768084.25);
        assertThat(data.get("user_classes_count")).isEqualTo(Map.of("RecommenderUser", 5L));
        assertThat(data.get("host")).isEqualTo("http://127.0.0.1:8080");
        assertThat(data).containsEntry("stop_timeout", null);
        assertThat(data.get("parsed_options")).isEqualTo(Map.of("tags", List.of("a", 1L), "expect_workers", 1L));
    }

    @Test
    void writesStatsByteForByteAsLocustDoes() throws IOException {
        Map<Object, Object> responseTimes = new LinkedHashMap<>();
        responseTimes.put(0L, 3L);
        responseTimes.put(140L, 2L);
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("response_times", responseTimes);
        total.put("max_response_time", 21.5);
        LocustMessage stats = new LocustMessage("stats", Map.of("stats_total", total), "w");

        assertThat(HexFormat.of().formatHex(stats.toBytes())).isEqualTo(STATS_FROM_LOCUST);
    }

    @Test
    void roundTripsEveryKindOfValue() throws IOException {
        Map<Object, Object> data = new LinkedHashMap<>();
        data.put("list", Arrays.asList(1L, null, true, 2.5, "s"));
        data.put(7L, Map.of("nested", List.of()));
        LocustMessage message = new LocustMessage("x", data, "n");

        LocustMessage read = LocustMessage.fromBytes(message.toBytes());
        assertThat(read.type()).isEqualTo("x");
        assertThat(read.nodeId()).isEqualTo("n");
        assertThat(read.dataMap()).isEqualTo(data);
        assertThat(new LocustMessage("client_ready", "2.47.0", "n").dataMap()).isEmpty();
    }

    @Test
    void rejectsWhatIsNoLocustMessage() throws IOException {
        byte[] notAMessage = MsgPack.pack(List.of("only", "two"));
        assertThatThrownBy(() -> LocustMessage.fromBytes(notAMessage)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> MsgPack.pack(new Object())).isInstanceOf(IOException.class);
    }
}
