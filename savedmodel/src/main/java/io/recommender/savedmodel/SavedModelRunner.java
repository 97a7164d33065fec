package io.recommender.savedmodel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * One signature of a SavedModel, run in-process through TensorFlow Java. Every input and output must be a
 * float32 {@code [batch, width]} tensor, which is what the recommender's user tower is. Thread-safe: a
 * TensorFlow session accepts concurrent runs.
 *
 * <p>This is the only place that executes a SavedModel; the TensorFlow Serving stand-in and the runtime's
 * embedded embedding source both use it, so the two give bit-identical outputs for the same rows in the same batch
 * (a batch may be summed in another order than one row, a few units in the last place apart).
 */
public final class SavedModelRunner implements AutoCloseable {
    /** Tag TensorFlow Serving loads, and the one the bundle's exporter writes. */
    public static final String SERVE_TAG = "serve";

    /**
     * One input or output of the signature.
     *
     * @param tensorName graph tensor, {@code op:index}
     * @param width size of the second dimension, or -1 where the signature leaves it open
     */
    public record Port(String name, String tensorName, long width) {}

    private final SavedModelBundle model;
    private final Session session;
    private final String signatureKey;
    private final String methodName;
    private final Map<String, Port> inputs;
    private final Map<String, Port> outputs;
    private final Map<String, Output<?>> inputOps = new LinkedHashMap<>();
    private final Map<String, Output<?>> outputOps = new LinkedHashMap<>();

    private SavedModelRunner(SavedModelBundle model, Signature signature) {
        this.model = model;
        this.session = model.session();
        this.signatureKey = signature.key();
        this.methodName = signature.methodName();
        this.inputs = ports(signature.key(), "input", signature.getInputs());
        this.outputs = ports(signature.key(), "output", signature.getOutputs());
        inputs.values().forEach(p -> inputOps.put(p.name(), model.graph().outputOrThrow(p.tensorName())));
        outputs.values().forEach(p -> outputOps.put(p.name(), model.graph().outputOrThrow(p.tensorName())));
    }

    /**
     * Loads the SavedModel in {@code dir} (the folder holding {@code saved_model.pb}) and picks one signature.
     *
     * @param threads TensorFlow's intra- and inter-op thread pool sizes; 1 suits small models called from many
     *     request threads, where handing each op to another pool costs more than the op itself, and then the graph
     *     runs in the calling thread (no inter-op pool: TensorFlow's "negative means the caller's thread"), which
     *     saves two thread hand-offs per run
     * @throws SavedModelException naming the directory and what is wrong with it
     */
    public static SavedModelRunner load(Path dir, String signatureKey, int threads) {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new SavedModelException(dir + ": no saved_model.pb; not a SavedModel directory");
        }
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(threads == 1 ? -1 : threads)
                .build();
        SavedModelBundle model;
        try {
            model = SavedModelBundle.loader(dir.toString()).withTags(SERVE_TAG).withConfigProto(config).load();
        } catch (RuntimeException e) {
            throw new SavedModelException(dir + ": TensorFlow cannot load the SavedModel: " + e.getMessage(), e);
        }
        try {
            Signature signature = model.signatures().stream()
                    .filter(s -> s.key().equals(signatureKey))
                    .findFirst()
                    .orElseThrow(() -> new SavedModelException(dir + ": no signature '" + signatureKey
                            + "'; the model has " + model.signatures().stream().map(Signature::key).toList()));
            return new SavedModelRunner(model, signature);
        } catch (RuntimeException e) {
            model.close();
            throw e instanceof SavedModelException s ? s : new SavedModelException(dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Port> ports(String key, String kind, Map<String, Signature.TensorDescription> tensors) {
        if (tensors.isEmpty()) {
            throw new SavedModelException("signature '" + key + "' has no " + kind + "s");
        }
        Map<String, Port> ports = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (t.dataType != DataType.DT_FLOAT || t.shape.numDimensions() != 2) {
                throw new SavedModelException("signature '" + key + "' " + kind + " '" + name + "' is " + t.dataType
                        + " " + t.shape + "; only float32 [batch, width] tensors are supported");
            }
            ports.put(name, new Port(name, t.name, t.shape.size(1)));
        });
        return Collections.unmodifiableMap(ports);
    }

    public String signatureKey() {
        return signatureKey;
    }

    public String methodName() {
        return methodName;
    }

    /** Inputs in signature order. */
    public Map<String, Port> inputs() {
        return inputs;
    }

    /** Outputs in signature order. */
    public Map<String, Port> outputs() {
        return outputs;
    }

    /**
     * Runs a batch: one {@code [batch][width]} array per input name, all with the same batch size.
     *
     * @return every output of the signature, {@code [batch][width]}
     * @throws ModelInputException when inputs are missing, unknown or of the wrong shape
     */
    public Map<String, float[][]> run(Map<String, float[][]> batch) {
        if (!batch.keySet().equals(inputs.keySet())) {
            throw new ModelInputException("signature '" + signatureKey + "' takes inputs " + inputs.keySet()
                    + ", got " + batch.keySet());
        }
        int rows = -1;
        for (Map.Entry<String, float[][]> e : batch.entrySet()) {
            float[][] values = e.getValue();
            if (rows >= 0 && values.length != rows) {
                throw new ModelInputException("inputs have different batch sizes (" + rows + " and " + values.length + ")");
            }
            rows = values.length;
            checkWidths(inputs.get(e.getKey()), values);
        }
        if (rows == 0) {
            throw new ModelInputException("the batch is empty");
        }
        TFloat32[] tensors = new TFloat32[inputs.size()];
        try {
            Session.Runner runner = session.runner();
            int i = 0;
            for (Map.Entry<String, Output<?>> in : inputOps.entrySet()) {
                tensors[i] = toTensor(batch.get(in.getKey()));
                runner.feed(in.getValue(), tensors[i++]);
            }
            outputOps.values().forEach(runner::fetch);
            try (Result result = runner.run()) {
                Map<String, float[][]> out = new LinkedHashMap<>();
                int j = 0;
                for (String name : outputOps.keySet()) {
                    out.put(name, toRows(name, (TFloat32) result.get(j++), rows));
                }
                return out;
            }
        } catch (ModelInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ModelInputException("TensorFlow rejected the input: " + e.getMessage());
        } finally {
            for (TFloat32 t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /**
     * The fast path of a single-input, single-output signature: one row in, one row out, no intermediate
     * arrays. {@code output.length} must be the output width.
     */
    public void runOne(float[] input, float[] output) {
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw new IllegalStateException("signature '" + signatureKey + "' is not single-input single-output");
        }
        Port in = inputs.values().iterator().next();
        if (in.width() >= 0 && in.width() != input.length) {
            throw new ModelInputException("input '" + in.name() + "' has width " + in.width() + ", got " + input.length);
        }
        try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(1, input.length), DataBuffers.of(input, true, false));
                Result result = session.runner()
                        .feed(inputOps.values().iterator().next(), tensor)
                        .fetch(outputOps.values().iterator().next())
                        .run()) {
            TFloat32 out = (TFloat32) result.get(0);
            if (out.shape().numDimensions() != 2 || out.shape().size(0) != 1 || out.shape().size(1) != output.length) {
                throw new SavedModelException("output has shape " + out.shape() + ", expected [1, " + output.length + "]");
            }
            out.copyTo(DataBuffers.of(output, false, false));
        }
    }

    private static void checkWidths(Port port, float[][] rows) {
        long width = port.width() >= 0 ? port.width() : (rows.length == 0 ? 0 : rows[0].length);
        for (float[] row : rows) {
            if (row.length != width) {
                throw new ModelInputException("input '" + port.name() + "' needs rows of " + width + " values, got a row of "
                        + row.length);
            }
        }
    }

    private static TFloat32 toTensor(float[][] rows) {
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return TFloat32.tensorOf(Shape.of(rows.length, width), DataBuffers.of(flat, true, false));
    }

    private static float[][] toRows(String name, TFloat32 tensor, int rows) {
        Shape shape = tensor.shape();
        if (shape.numDimensions() != 2 || shape.size(0) != rows) {
            throw new SavedModelException("output '" + name + "' has shape " + shape + " for a batch of " + rows);
        }
        int width = (int) shape.size(1);
        float[] flat = new float[rows * width];
        tensor.copyTo(DataBuffers.of(flat, false, false));
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
