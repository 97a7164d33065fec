package io.recommender.tfserving.server;

import io.recommender.bundle.BundleLayout;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line of the stand-in, shaped like {@code tensorflow_model_server}'s so it can take its place:
 *
 * <pre>
 * java -cp 'tfserving-standin.jar:lib/*' io.recommender.tfserving.server.StandInMain \
 *     --rest_api_port=8501 --model_name=movies --model_base_path=/models/movies
 * </pre>
 *
 * As in the {@code tensorflow/serving} image, {@code MODEL_NAME} (default {@code model}) and
 * {@code MODEL_BASE_PATH} (default {@code /models}, the model under {@code MODEL_BASE_PATH/MODEL_NAME}) apply
 * when the flags are absent. Stand-in only: {@code --fault_delay_ms}, {@code --fault_failure_rate},
 * {@code --fault_status} (see {@link Faults}), {@code --tf_threads}; {@code --enable_batching=true} batches concurrent
 * predicts as TensorFlow Serving's flag of that name does, up to {@code --max_batch_size} rows (default 32).
 */
public final class StandInMain {
    private static final Logger LOG = LoggerFactory.getLogger(StandInMain.class);
    private static final Set<String> FLAGS = Set.of("rest_api_port", "rest_api_host", "rest_api_num_threads",
            "model_name", "model_base_path", "fault_delay_ms", "fault_failure_rate", "fault_status", "tf_threads",
            "enable_batching", "max_batch_size");
    /** TensorFlow Serving's batching flags take a parameters file; the stand-in takes its one parameter as a flag. */
    static final int DEFAULT_MAX_BATCH_SIZE = 32;

    private StandInMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> flags;
        try {
            flags = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("flags: " + FLAGS.stream().sorted().map(f -> "--" + f + "=...").toList());
            System.exit(2);
            return;
        }
        String name = flags.getOrDefault("model_name", env("MODEL_NAME", "model"));
        Path basePath = Path.of(flags.getOrDefault("model_base_path", env("MODEL_BASE_PATH", "/models") + "/" + name));
        Faults faults = new Faults(Long.parseLong(flags.getOrDefault("fault_delay_ms", "0")),
                Double.parseDouble(flags.getOrDefault("fault_failure_rate", "0")),
                Integer.parseInt(flags.getOrDefault("fault_status", "503")));
        InetSocketAddress address = new InetSocketAddress(flags.getOrDefault("rest_api_host", "0.0.0.0"),
                Integer.parseInt(flags.getOrDefault("rest_api_port", "8501")));
        int threads = Integer.parseInt(flags.getOrDefault("rest_api_num_threads", "16"));

        ServedModel model = ServedModel.loadLatest(name, basePath, BundleLayout.SIGNATURE,
                Integer.parseInt(flags.getOrDefault("tf_threads", "1")));
        boolean batching = Boolean.parseBoolean(flags.getOrDefault("enable_batching", "false"));
        int maxBatch = Integer.parseInt(flags.getOrDefault("max_batch_size", Integer.toString(DEFAULT_MAX_BATCH_SIZE)));
        StandInServer server = StandInServer.start(address, model, threads, faults, batching ? maxBatch : 0);
        LOG.info("serving model {} version {} from {} on {} (REST API), faults {}, batching {}", name, model.version(),
                basePath, address, faults, batching ? "up to " + maxBatch + " rows" : "off");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            model.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !FLAGS.contains(arg.substring(2, eq))) {
                throw new IllegalArgumentException("unknown or malformed flag: " + arg);
            }
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return flags;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
