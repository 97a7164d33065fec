package io.recommender.tfserving.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recommender.savedmodel.ModelInputException;
import io.recommender.savedmodel.SavedModelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of TensorFlow Serving for one served model:
 *
 * <pre>
 * GET  /v1/models/{name}[/versions/{v}]             model status
 * GET  /v1/models/{name}[/versions/{v}]/metadata    signature metadata
 * POST /v1/models/{name}[/versions/{v}]:predict     row ("instances") or columnar ("inputs") predict
 * </pre>
 *
 * Errors answer {@code {"error": "..."}}: 404 for an unknown model, version or label, 400 for a malformed
 * request, as TensorFlow Serving does. Independent of the HTTP server: {@link StandInServer} hands it a request's
 * method, raw path and whole body on a worker thread.
 */
final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile(
            "/v1/models/([^/:]+)(?:/versions/([0-9]{1,18})|/labels/([^/:]+))?(/metadata|:predict|:classify|:regress)?");
    /** Well above any embedding batch; TensorFlow Serving itself has no such limit. */
    static final int MAX_BODY_BYTES = 32 << 20;

    private final ServedModel model;
    private final AtomicReference<Faults> faults;
    private final AtomicInteger failNext;
    /** Runs predicts in batches when batching is on; null runs each on its own. */
    private final Batcher batcher;

    RestApi(ServedModel model, AtomicReference<Faults> faults, AtomicInteger failNext, Batcher batcher) {
        this.model = model;
        this.faults = faults;
        this.failNext = failNext;
        this.batcher = batcher;
    }

    /** An answer: its status and JSON body ({@code Content-Type: application/json}). */
    record Answer(int status, byte[] json) {}

    /** Answers one request; never throws for anything the request holds. */
    Answer handle(String method, String rawPath, byte[] body) {
        int status = 200;
        JsonNode json;
        try {
            json = route(method, rawPath, body);
        } catch (ApiException e) {
            status = e.status();
            json = error(e.getMessage());
        } catch (ModelInputException e) {
            status = 400;
            json = error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("predict failed", e);
            status = 500;
            json = error("Internal: " + e.getMessage());
        }
        return new Answer(status, bytes(json));
    }

    /** The answer to a body over {@link #MAX_BODY_BYTES}, sent before the body is read to its end. */
    static Answer tooLarge() {
        return new Answer(413, bytes(error("request body exceeds " + MAX_BODY_BYTES + " bytes")));
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private JsonNode route(String method, String path, byte[] requestBody) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            throw new ApiException(404, "Malformed request: " + method + " " + path);
        }
        String name = m.group(1);
        Long version = m.group(2) == null ? null : Long.parseLong(m.group(2));
        if (m.group(3) != null) {
            throw new ApiException(404, "Unrecognized servable version label: " + m.group(3));
        }
        String action = m.group(4) == null ? "" : m.group(4);
        boolean post = action.startsWith(":");
        if (!method.equals(post ? "POST" : "GET")) {
            throw new ApiException(405, "Malformed request: " + method + " " + path
                    + " (use " + (post ? "POST" : "GET") + ")");
        }
        return switch (action) {
            case "" -> status(name, version);
            case "/metadata" -> metadata(name, version);
            case ":predict" -> predict(name, version, requestBody);
            default -> throw new ApiException(400, "Expected " + action.substring(1) + " signature method_name to be "
                    + "tensorflow/serving/" + action.substring(1) + ". Was: " + model.runner().methodName());
        };
    }

    private void checkStatusRequest(String name, Long version) {
        if (!name.equals(model.name())) {
            throw new ApiException(404, "Could not find any versions of model " + name);
        }
        if (version != null && version != model.version()) {
            throw new ApiException(404, "Could not find version " + version + " of model " + name);
        }
    }

    private void checkServable(String name, Long version) {
        if (!name.equals(model.name()) || (version != null && version != model.version())) {
            throw new ApiException(404, "Servable not found for request: "
                    + (version == null ? "Latest(" + name + ")" : "Specific(" + name + ", " + version + ")"));
        }
    }

    private JsonNode status(String name, Long version) {
        checkStatusRequest(name, version);
        ObjectNode body = JSON.createObjectNode();
        ObjectNode entry = body.putArray("model_version_status").addObject();
        entry.put("version", Long.toString(model.version()));
        entry.put("state", "AVAILABLE");
        ObjectNode status = entry.putObject("status");
        status.put("error_code", "OK");
        status.put("error_message", "");
        return body;
    }

    private JsonNode metadata(String name, Long version) {
        checkServable(name, version);
        SavedModelRunner runner = model.runner();
        ObjectNode body = JSON.createObjectNode();
        ObjectNode spec = body.putObject("model_spec");
        spec.put("name", model.name());
        spec.put("signature_name", "");
        spec.put("version", Long.toString(model.version()));
        ObjectNode signature = body.putObject("metadata").putObject("signature_def").putObject("signature_def")
                .putObject(runner.signatureKey());
        describe(signature.putObject("inputs"), runner.inputs());
        describe(signature.putObject("outputs"), runner.outputs());
        signature.put("method_name", runner.methodName());
        return body;
    }

    private static void describe(ObjectNode into, Map<String, SavedModelRunner.Port> ports) {
        ports.forEach((name, port) -> {
            ObjectNode t = into.putObject(name);
            t.put("dtype", "DT_FLOAT");
            ObjectNode shape = t.putObject("tensor_shape");
            for (long size : new long[] {-1, port.width()}) {
                shape.withArray("dim").addObject().put("size", Long.toString(size)).put("name", "");
            }
            shape.put("unknown_rank", false);
            t.put("name", port.tensorName());
        });
    }

    private JsonNode predict(String name, Long version, byte[] requestBody) {
        checkServable(name, version);
        JsonNode json = readJson(requestBody);
        SavedModelRunner runner = model.runner();
        PredictCodec.Request request = PredictCodec.parse(json, runner.signatureKey(), List.copyOf(runner.inputs().keySet()));
        if (!request.signatureName().equals(runner.signatureKey())) {
            throw new ApiException(400, "Serving signature name: \"" + request.signatureName()
                    + "\" not found in signature def");
        }
        injectFaults();
        return PredictCodec.response(request.columnar(),
                batcher == null ? runner.run(request.inputs()) : batcher.run(request.inputs()));
    }

    /** Decides the outcome on arrival, then delays: a request still sleeping cannot take a later one's failure. */
    private void injectFaults() {
        Faults f = faults.get();
        boolean failOnce = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean fail = failOnce || (f.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < f.failureRate());
        if (f.delayMillis() > 0) {
            try {
                Thread.sleep(f.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted while shutting down");
            }
        }
        if (fail) {
            throw new ApiException(f.failureStatus(), "injected failure (stand-in fault injection)");
        }
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new ApiException(400, "JSON Parse error: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory body", e);
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }
}
