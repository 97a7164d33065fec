package io.recommender.tfserving.server;

import io.recommender.savedmodel.SavedModelRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request batching, as TensorFlow Serving's {@code --enable_batching}: predicts that arrive while the model is busy
 * run together as one batch, so a session run's fixed cost (most of a one-row predict's time) is paid once for
 * all of them. One thread runs the model; it takes whatever has queued, up to {@link #maxRows} rows, without
 * waiting for more (TensorFlow Serving's {@code batch_timeout_micros} of 0). Rows of a batch are computed
 * independently by the user tower, so each request gets its own rows' outputs.
 */
final class Batcher implements AutoCloseable {
    private record Pending(Map<String, float[][]> inputs, int rows, CompletableFuture<Map<String, float[][]>> result) {}

    private final SavedModelRunner runner;
    private final int maxRows;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();

    Batcher(SavedModelRunner runner, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("a batch needs at least one row, got " + maxRows);
        }
        this.runner = runner;
        this.maxRows = maxRows;
        this.thread = new Thread(this::loop, "standin-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The outputs for these inputs, run in a batch with others. A request the model would refuse (unknown inputs,
     * wrong widths) runs alone, so that its error is its own and no other request in a batch fails with it.
     */
    Map<String, float[][]> run(Map<String, float[][]> inputs) {
        int n = batchable(inputs);
        if (n < 0) {
            return runner.run(inputs);
        }
        Pending p = new Pending(inputs, n, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Rows of a well-formed request, or -1 when the runner should see it alone. */
    private int batchable(Map<String, float[][]> inputs) {
        if (!inputs.keySet().equals(runner.inputs().keySet())) {
            return -1;
        }
        int n = -1;
        for (Map.Entry<String, float[][]> e : inputs.entrySet()) {
            float[][] values = e.getValue();
            if (values.length == 0 || (n >= 0 && values.length != n)) {
                return -1;
            }
            n = values.length;
            long width = runner.inputs().get(e.getKey()).width();
            for (float[] row : values) {
                if (row == null || row.length != width) {
                    return -1;
                }
            }
        }
        return n;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            int total = batch.get(0).rows();
            Pending next;
            while (total < maxRows && (next = queue.peek()) != null && total + next.rows() <= maxRows) {
                batch.add(queue.poll());
                total += next.rows();
            }
            runBatch(batch, total);
            batch.clear();
        }
    }

    private void runBatch(List<Pending> batch, int total) {
        try {
            Map<String, float[][]> joined = new HashMap<>();
            for (String input : runner.inputs().keySet()) {
                float[][] all = new float[total][];
                int at = 0;
                for (Pending p : batch) {
                    float[][] rowsOf = p.inputs().get(input);
                    System.arraycopy(rowsOf, 0, all, at, rowsOf.length);
                    at += rowsOf.length;
                }
                joined.put(input, all);
            }
            Map<String, float[][]> out = runner.run(joined);
            batches.incrementAndGet();
            rows.addAndGet(total);
            int at = 0;
            for (Pending p : batch) {
                Map<String, float[][]> mine = new HashMap<>();
                for (Map.Entry<String, float[][]> e : out.entrySet()) {
                    float[][] part = new float[p.rows()][];
                    System.arraycopy(e.getValue(), at, part, 0, p.rows());
                    mine.put(e.getKey(), part);
                }
                at += p.rows();
                p.result().complete(mine);
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    /** Model runs so far, and the rows they computed: rows / batches is the mean batch. */
    long batches() {
        return batches.get();
    }

    long rows() {
        return rows.get();
    }

    @Override
    public void close() {
        thread.interrupt();
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new ApiException(503, "the server is shutting down"));
        }
    }
}
