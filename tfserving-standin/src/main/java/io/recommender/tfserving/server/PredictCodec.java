package io.recommender.tfserving.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow Serving's predict request and response bodies for float32 {@code [batch, width]} tensors: the row
 * format ({@code instances} in, {@code predictions} out) and the columnar format ({@code inputs} in,
 * {@code outputs} out). With one input a row or column may be given bare; with several, by name.
 */
final class PredictCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A parsed request: the signature it names and a {@code [batch][width]} array per input. */
    record Request(String signatureName, boolean columnar, Map<String, float[][]> inputs) {}

    private PredictCodec() {}

    static Request parse(JsonNode body, String defaultSignature, List<String> inputNames) {
        if (body == null || !body.isObject()) {
            throw badRequest("the request body must be a JSON object");
        }
        JsonNode signature = body.get("signature_name");
        if (signature != null && !signature.isTextual()) {
            throw badRequest("'signature_name' must be a string");
        }
        String signatureName = signature == null ? defaultSignature : signature.textValue();
        JsonNode instances = body.get("instances");
        JsonNode inputs = body.get("inputs");
        if (instances != null && inputs != null) {
            throw badRequest("Request body must contain either 'instances' or 'inputs', not both");
        }
        if (instances == null && inputs == null) {
            throw badRequest("Missing 'inputs' or 'instances' key");
        }
        return instances != null
                ? new Request(signatureName, false, rows(instances, inputNames))
                : new Request(signatureName, true, columns(inputs, inputNames));
    }

    private static Map<String, float[][]> rows(JsonNode instances, List<String> inputNames) {
        if (!instances.isArray() || instances.isEmpty()) {
            throw badRequest("'instances' must be a non-empty JSON array");
        }
        Map<String, float[][]> batch = new LinkedHashMap<>();
        inputNames.forEach(n -> batch.put(n, new float[instances.size()][]));
        for (int i = 0; i < instances.size(); i++) {
            JsonNode instance = instances.get(i);
            if (inputNames.size() == 1 && instance.isArray()) {
                batch.get(inputNames.get(0))[i] = vector(instance, "instances[" + i + "]");
            } else if (instance.isObject()) {
                checkNames(instance, inputNames, "instances[" + i + "]");
                for (String name : inputNames) {
                    batch.get(name)[i] = vector(instance.get(name), "instances[" + i + "]." + name);
                }
            } else {
                throw badRequest("instances[" + i + "] must be " + (inputNames.size() == 1 ? "a list of numbers or " : "")
                        + "an object keyed by input name " + inputNames);
            }
        }
        return batch;
    }

    private static Map<String, float[][]> columns(JsonNode inputs, List<String> inputNames) {
        Map<String, float[][]> batch = new LinkedHashMap<>();
        if (inputNames.size() == 1 && inputs.isArray()) {
            batch.put(inputNames.get(0), matrix(inputs, "inputs"));
        } else if (inputs.isObject()) {
            checkNames(inputs, inputNames, "inputs");
            for (String name : inputNames) {
                batch.put(name, matrix(inputs.get(name), "inputs." + name));
            }
        } else {
            throw badRequest("'inputs' must be " + (inputNames.size() == 1 ? "a list of rows or " : "")
                    + "an object keyed by input name " + inputNames);
        }
        return batch;
    }

    private static void checkNames(JsonNode object, List<String> inputNames, String where) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!inputNames.contains(name)) {
                throw badRequest(where + ": unknown input '" + name + "'; the signature takes " + inputNames);
            }
        }
        for (String name : inputNames) {
            if (!object.has(name)) {
                throw badRequest(where + ": missing input '" + name + "'");
            }
        }
    }

    private static float[][] matrix(JsonNode node, String where) {
        if (!node.isArray() || node.isEmpty()) {
            throw badRequest(where + " must be a non-empty list of rows");
        }
        float[][] rows = new float[node.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vector(node.get(i), where + "[" + i + "]");
        }
        return rows;
    }

    private static float[] vector(JsonNode node, String where) {
        if (!node.isArray()) {
            throw badRequest(where + " must be a list of numbers");
        }
        float[] values = new float[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw badRequest(where + "[" + i + "] is " + v.getNodeType().toString().toLowerCase() + ", expected a number");
            }
            values[i] = v.floatValue();
        }
        return values;
    }

    /** {@code {"predictions": [...]}} or {@code {"outputs": ...}}, bare values when there is one output. */
    static ObjectNode response(boolean columnar, Map<String, float[][]> outputs) {
        ObjectNode body = NODES.objectNode();
        if (columnar) {
            if (outputs.size() == 1) {
                body.set("outputs", matrixNode(outputs.values().iterator().next()));
            } else {
                ObjectNode named = body.putObject("outputs");
                outputs.forEach((name, rows) -> named.set(name, matrixNode(rows)));
            }
            return body;
        }
        ArrayNode predictions = body.putArray("predictions");
        int batch = outputs.values().iterator().next().length;
        for (int i = 0; i < batch; i++) {
            if (outputs.size() == 1) {
                predictions.add(vectorNode(outputs.values().iterator().next()[i]));
            } else {
                ObjectNode named = predictions.addObject();
                for (Map.Entry<String, float[][]> e : outputs.entrySet()) {
                    named.set(e.getKey(), vectorNode(e.getValue()[i]));
                }
            }
        }
        return body;
    }

    private static ArrayNode matrixNode(float[][] rows) {
        ArrayNode node = NODES.arrayNode(rows.length);
        for (float[] row : rows) {
            node.add(vectorNode(row));
        }
        return node;
    }

    private static ArrayNode vectorNode(float[] row) {
        ArrayNode node = NODES.arrayNode(row.length);
        for (float v : row) {
            node.add(v);
        }
        return node;
    }

    private static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
