package io.recommender.loadtest.locust;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A message between a Locust 2.x master and a worker: {@code (type, data, node_id)} as one MessagePack array, as
 * {@code locust.rpc.protocol.Message} serializes it.
 *
 * @param type   e.g. "client_ready", "spawn", "stats"
 * @param data   a string, a map, or null, depending on the type
 * @param nodeId the worker's id
 */
record LocustMessage(String type, Object data, String nodeId) {

    byte[] toBytes() throws IOException {
        return MsgPack.pack(Arrays.asList(type, data, nodeId));
    }

    static LocustMessage fromBytes(byte[] bytes) throws IOException {
        Object value = MsgPack.unpack(bytes);
        if (!(value instanceof List<?> parts) || parts.size() != 3 || !(parts.get(0) instanceof String type)) {
            throw new IOException("not a Locust message: " + value);
        }
        Object nodeId = parts.get(2);
        return new LocustMessage(type, parts.get(1), nodeId == null ? null : nodeId.toString());
    }

    /** The data as a map; empty when it is none. */
    @SuppressWarnings("unchecked")
    Map<Object, Object> dataMap() {
        return data instanceof Map<?, ?> map ? (Map<Object, Object>) map : Map.of();
    }
}
