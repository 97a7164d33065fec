package io.recommender.featurestore.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real three-node Redis Cluster on loopback (three masters, no replicas), made with {@code redis-server
 * --cluster-enabled yes} and {@code redis-cli --cluster create}.
 */
public final class RedisClusterNodes implements AutoCloseable {
    private final List<RedisServer> nodes;

    private RedisClusterNodes(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterNodes start() throws IOException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServer.launch("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000"));
            }
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServer n : nodes) {
                cmd.add("127.0.0.1:" + n.port());
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = RedisServer.run(cmd);
            if (!out.contains("All 16384 slots covered")) {
                throw new IOException("redis-cli --cluster create failed: " + out);
            }
            long deadline = System.currentTimeMillis() + 15_000;
            while (!nodes.stream().allMatch(n -> n.cli("CLUSTER", "INFO").contains("cluster_state:ok"))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("the cluster did not reach cluster_state:ok");
                }
                RedisServer.sleep(50);
            }
            return new RedisClusterNodes(nodes);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The first node's URL: the cluster client discovers the others. */
    public String url() {
        return nodes.get(0).url();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
