package io.recommender.loadtest.locust;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.MapValue;
import org.msgpack.value.Value;

/**
 * MessagePack to and from plain Java values (null, Boolean, Long, Double, String, byte[], List, Map), nested as Locust
 * 2.x nests them. locust4j 1.0.14's own {@code Message} reads only flat maps of scalars, and a 2.x master's spawn
 * message carries maps of maps.
 */
final class MsgPack {

    private MsgPack() {
    }

    static byte[] pack(Object value) throws IOException {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            write(packer, value);
            return packer.toByteArray();
        }
    }

    static Object unpack(byte[] bytes) throws IOException {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            Object value = toJava(unpacker.unpackValue());
            if (unpacker.hasNext()) {
                throw new IOException("trailing bytes after a MessagePack value");
            }
            return value;
        }
    }

    private static void write(MessageBufferPacker packer, Object value) throws IOException {
        if (value == null) {
            packer.packNil();
        } else if (value instanceof Boolean b) {
            packer.packBoolean(b);
        } else if (value instanceof Double || value instanceof Float) {
            packer.packDouble(((Number) value).doubleValue());
        } else if (value instanceof Number n) {
            packer.packLong(n.longValue());
        } else if (value instanceof String s) {
            packer.packString(s);
        } else if (value instanceof byte[] bytes) {
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else if (value instanceof List<?> list) {
            packer.packArrayHeader(list.size());
            for (Object item : list) {
                write(packer, item);
            }
        } else if (value instanceof Map<?, ?> map) {
            packer.packMapHeader(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                write(packer, entry.getKey());
                write(packer, entry.getValue());
            }
        } else {
            throw new IOException("no MessagePack form for " + value.getClass().getName());
        }
    }

    private static Object toJava(Value value) {
        return switch (value.getValueType()) {
            case NIL -> null;
            case BOOLEAN -> value.asBooleanValue().getBoolean();
            case INTEGER -> value.asIntegerValue().isInLongRange()
                ? (Object) value.asIntegerValue().toLong() : (Object) value.asIntegerValue().toBigInteger();
            case FLOAT -> value.asFloatValue().toDouble();
            case STRING -> value.asStringValue().asString();
            case BINARY -> value.asBinaryValue().asByteArray();
            case ARRAY -> {
                ArrayValue array = value.asArrayValue();
                List<Object> list = new ArrayList<>(array.size());
                array.forEach(item -> list.add(toJava(item)));
                yield list;
            }
            case MAP -> {
                MapValue map = value.asMapValue();
                Map<Object, Object> result = new LinkedHashMap<>();
                map.map().forEach((k, v) -> result.put(toJava(k), toJava(v)));
                yield result;
            }
            case EXTENSION -> value.asExtensionValue().getData();
        };
    }
}
