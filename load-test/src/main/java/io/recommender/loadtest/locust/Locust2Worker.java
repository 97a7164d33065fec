package io.recommender.loadtest.locust;

import io.recommender.loadtest.generator.LoadGenerator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * A worker for a Locust 2.x master, for people who want Locust's web UI over this load generator.
 *
 * <p>locust4j 1.0.14's runner speaks the pre-2.0 protocol, which a 2.x master turns away: its "client_ready" carries
 * no version, and it ignores the 2.x "spawn" (user counts per class instead of num_users and spawn_rate). This class
 * is the layer in between: it speaks the 2.x worker protocol over ZeroMQ (jeromq, as locust4j does) and runs the
 * same users, tasks and rate limiter as a standalone run. The master's spawn sets the number of users (the sum over
 * its user classes) and may set the target host; the rate, endpoint and user mix come from the command line, and the
 * duration is a safety limit: the master's stop or quit ends a run.
 */
public final class Locust2Worker {

    /** The Locust version whose worker protocol this speaks; the master only compares it to warn. */
    static final String PROTOCOL_VERSION = "2.47.0";
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(3);
    static final Duration MASTER_HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_RETRY = Duration.ofSeconds(5);
    private static final int RECEIVE_TIMEOUT_MS = 100;
    private static final int LINGER_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(Locust2Worker.class);

    /**
     * @param config the last load run, or null when the master never started one
     * @param result what it measured, or null
     * @param ended  why the worker ended: "quit by the master", or why it lost the master
     */
    public record Outcome(LoadGenerator.Config config, LoadGenerator.Result result, String ended) {
    }

    private final String masterHost;
    private final int masterPort;
    private final Duration connectTimeout;
    private final LoadGenerator.Config template;
    private final String clientId;
    private final IntervalStats stats;
    private ZMQ.Context context;
    private ZMQ.Socket socket;
    private String state = "ready";
    /** The master's user classes and how many of each this worker runs, as it reports them back. */
    private Map<String, Object> userClassesCount = Map.of();
    private Run current;
    private LoadGenerator.Config lastConfig;
    private LoadGenerator.Result lastResult;

    /**
     * @param template the load to run, but for its users (and, if the master names one, its target)
     */
    public Locust2Worker(String masterHost, int masterPort, Duration connectTimeout, LoadGenerator.Config template) {
        this.masterHost = masterHost;
        this.masterPort = masterPort;
        this.connectTimeout = connectTimeout;
        this.template = template;
        this.clientId = hostname() + "_" + UUID.randomUUID().toString().replace("-", "");
        this.stats = new IntervalStats(template.endpoint().method(), template.endpoint().pathTemplate(),
            System::currentTimeMillis);
    }

    /**
     * Connects, then follows the master until it says quit or stops answering.
     *
     * @throws IOException when no master answers within the connect timeout
     */
    public Outcome run() throws IOException {
        context = ZMQ.context(1);
        try {
            connect();
            return follow();
        } finally {
            stopCurrent();
            socket.close();
            context.term();
        }
    }

    private void connect() throws IOException {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        while (true) {
            openSocket();
            send("client_ready", PROTOCOL_VERSION);
            long retryAt = System.nanoTime() + CONNECT_RETRY.toNanos();
            while (System.nanoTime() < Math.min(retryAt, deadline)) {
                LocustMessage message = receive();
                if (message != null && "ack".equals(message.type())) {
                    LOG.info("joined the Locust master at {}:{} as {}", masterHost, masterPort, clientId);
                    return;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new IOException("no Locust master answered at " + masterHost + ":" + masterPort + " within "
                    + connectTimeout.toMillis() + " ms");
            }
            socket.close();
        }
    }

    private Outcome follow() throws IOException {
        long lastHeartbeatSent = System.nanoTime() - HEARTBEAT_INTERVAL.toNanos();
        long lastReport = System.nanoTime();
        long lastMasterHeartbeat = System.nanoTime();
        while (true) {
            LocustMessage message = receive();
            long now = System.nanoTime();
            if (message != null) {
                lastMasterHeartbeat = now;
                if (handle(message)) {
                    // Long enough for the last stats to leave, short enough not to hang if the master is gone.
                    socket.setLinger(LINGER_MS);
                    sendStats();
                    return new Outcome(lastConfig, lastResult, "quit by the master");
                }
            }
            if (current != null && current.finished() && !current.reported) {
                current.reported = true;
                userClassesCount = Map.of();
                keep(current);
                String abort = current.result.get().abortReason();
                if (abort != null) {
                    send("exception", Map.of("msg", abort, "traceback", ""));
                }
            }
            if (now - lastHeartbeatSent >= HEARTBEAT_INTERVAL.toNanos()) {
                sendHeartbeat();
                lastHeartbeatSent = now;
            }
            if (now - lastReport >= REPORT_INTERVAL.toNanos()) {
                sendStats();
                lastReport = now;
            }
            if (now - lastMasterHeartbeat >= MASTER_HEARTBEAT_TIMEOUT.toNanos()) {
                return new Outcome(lastConfig, lastResult,
                    "lost the Locust master: nothing from it in " + MASTER_HEARTBEAT_TIMEOUT.toSeconds() + " s");
            }
        }
    }

    /** Acts on a message from the master; whether it was "quit". */
    private boolean handle(LocustMessage message) throws IOException {
        switch (message.type()) {
            case "spawn" -> spawn(message.dataMap());
            case "stop" -> {
                stopCurrent();
                send("client_stopped", null);
                send("client_ready", PROTOCOL_VERSION);
                state = "ready";
            }
            case "quit" -> {
                stopCurrent();
                return true;
            }
            case "reconnect" -> {
                socket.close();
                openSocket();
                send("client_ready", PROTOCOL_VERSION);
            }
            case "ack", "heartbeat", "spawning_complete" -> LOG.debug("{} from the master", message.type());
            default -> LOG.info("ignoring a {} message from the Locust master", message.type());
        }
        return false;
    }

    private void spawn(Map<Object, Object> job) throws IOException {
        send("spawning", null);
        state = "spawning";
        Map<String, Object> userClassesCount = new LinkedHashMap<>();
        long users = 0;
        if (job.get("user_classes_count") instanceof Map<?, ?> counts) {
            for (Map.Entry<?, ?> entry : counts.entrySet()) {
                long count = entry.getValue() instanceof Number n ? n.longValue() : 0;
                userClassesCount.put(String.valueOf(entry.getKey()), count);
                users += count;
            }
        }
        stopCurrent();
        this.userClassesCount = userClassesCount;
        if (users > 0) {
            // No warm-up of its own: the master decides what its stats cover (its --reset-stats).
            LoadGenerator.Config config = new LoadGenerator.Config(target(job.get("host")), template.endpoint(),
                (int) Math.min(Integer.MAX_VALUE, users), template.rps(), template.duration(), Duration.ZERO,
                template.requestTimeout(), template.mix(), template.seed(), template.pause(), template.engine());
            current = new Run(config, stats);
        }
        send("spawning_complete", Map.of("user_classes_count", userClassesCount, "user_count", users));
        state = "running";
    }

    /** The master's host when it names a usable one (Locust's --host, or the web UI's), else the command line's. */
    private URI target(Object host) {
        if (host instanceof String text && !text.isBlank()) {
            try {
                URI uri = URI.create(text.trim());
                if ("http".equals(uri.getScheme()) && uri.getHost() != null) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("unusable host {} from the master", text);
            }
            LOG.warn("the master's host {} is not an http:// URL; loading {}", text, template.target());
        }
        return template.target();
    }

    private void stopCurrent() {
        userClassesCount = Map.of();
        if (current != null) {
            current.stop();
            if (!current.reported) {
                current.reported = true;
                keep(current);
            }
            current = null;
        }
    }

    private void keep(Run run) {
        if (run.result.get() != null) {
            lastConfig = run.config;
            lastResult = run.result.get();
        }
    }

    private void sendStats() throws IOException {
        Map<String, Object> data = stats.drain();
        data.put("user_classes_count", userClassesCount);
        data.put("user_count", userClassesCount.values().stream().mapToLong(n -> ((Number) n).longValue()).sum());
        send("stats", data);
    }

    private void sendHeartbeat() throws IOException {
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Runtime runtime = Runtime.getRuntime();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state);
        data.put("current_cpu_usage", Math.max(0, os.getProcessCpuLoad()) * 100);
        data.put("current_memory_usage", runtime.totalMemory() - runtime.freeMemory());
        send("heartbeat", data);
    }

    private void openSocket() {
        socket = context.socket(ZMQ.DEALER);
        socket.setIdentity(clientId.getBytes(StandardCharsets.UTF_8));
        // Nothing waits to be delivered on close, but the last stats after a quit (see follow).
        socket.setLinger(0);
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MS);
        socket.connect("tcp://" + masterHost + ":" + masterPort);
    }

    private void send(String type, Object data) throws IOException {
        socket.send(new LocustMessage(type, data, clientId).toBytes(), 0);
    }

    private LocustMessage receive() throws IOException {
        byte[] bytes = socket.recv(0);
        return bytes == null ? null : LocustMessage.fromBytes(bytes);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "load-test";
        }
    }

    /** One load, run on a thread of its own until the master stops it. */
    private static final class Run {
        private final LoadGenerator.Config config;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<LoadGenerator.Result> result = new AtomicReference<>();
        private final Thread thread;
        private boolean reported;

        private Run(LoadGenerator.Config config, IntervalStats stats) {
            this.config = config;
            this.thread = new Thread(() -> {
                try {
                    result.set(LoadGenerator.run(config, stats, stop::get));
                } catch (RuntimeException e) {
                    result.set(LoadGenerator.Result.aborted("load test error: " + e));
                }
            }, "loadtest-locust-run");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        private boolean finished() {
            return !thread.isAlive();
        }

        private void stop() {
            stop.set(true);
            try {
                thread.join(config.maxRunTime().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
