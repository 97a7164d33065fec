package io.recommender.bundle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A dense float32 matrix whose rows are keyed by integer ids (user or movie ids), stored compactly.
 *
 * <p>Binary form, little-endian: magic {@code RFT1}, int32 rows, int32 cols, rows x int32 ids, rows x cols
 * float32 values in row-major order.
 *
 * <p>{@link #map} leaves the values in the file, memory-mapped, off the Java heap: a service holds ml-25m's user rows
 * (162 k x 534 floats, 332 MB) without the heap paying for them, and pays only for the rows it reads.
 */
public final class FloatTable {
    private static final int MAGIC = 0x31544652; // "RFT1" read as little-endian int

    private final int[] ids;
    private final int cols;
    private volatile float[] values;
    private final FloatBuffer mapped;

    public FloatTable(int[] ids, int cols, float[] values) {
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be positive, got " + cols);
        }
        if ((long) ids.length * cols != values.length) {
            throw new IllegalArgumentException(
                    "values has " + values.length + " floats, expected " + ids.length + " x " + cols);
        }
        this.ids = ids;
        this.cols = cols;
        this.values = values;
        this.mapped = null;
    }

    private FloatTable(int[] ids, int cols, FloatBuffer mapped) {
        this.ids = ids;
        this.cols = cols;
        this.mapped = mapped;
    }

    public int rows() {
        return ids.length;
    }

    public int cols() {
        return cols;
    }

    /** Row ids in storage order; do not modify. */
    public int[] ids() {
        return ids;
    }

    /** All values, row-major; do not modify. A mapped table copies them onto the heap at the first call. */
    public float[] values() {
        float[] v = values;
        if (v == null) {
            synchronized (this) {
                v = values;
                if (v == null) {
                    v = new float[mapped.capacity()];
                    mapped.get(0, v);
                    values = v;
                }
            }
        }
        return v;
    }

    public float get(int row, int col) {
        float[] v = values;
        return v != null ? v[row * cols + col] : mapped.get(row * cols + col);
    }

    public float[] row(int row) {
        float[] v = values;
        if (v != null) {
            return Arrays.copyOfRange(v, row * cols, (row + 1) * cols);
        }
        float[] out = new float[cols];
        mapped.get(row * cols, out);
        return out;
    }

    public void write(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(MAGIC).putInt(ids.length).putInt(cols);
            for (int id : ids) {
                buf = flushIfFull(out, buf, 4);
                buf.putInt(id);
            }
            for (int i = 0, n = ids.length * cols; i < n; i++) {
                buf = flushIfFull(out, buf, 4);
                buf.putFloat(get(i / cols, i % cols));
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** As {@link #read}, with the values left in the file, memory-mapped (read-only). */
    public static FloatTable map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ch.map(FileChannel.MapMode.READ_ONLY, 0, 12).order(ByteOrder.LITTLE_ENDIAN);
            int[] shape = shape(header, file);
            int rows = shape[0];
            int[] ids = new int[rows];
            ch.map(FileChannel.MapMode.READ_ONLY, 12, 4L * rows).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
            FloatBuffer values = ch.map(FileChannel.MapMode.READ_ONLY, 12 + 4L * rows, 4L * rows * shape[1])
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            return new FloatTable(ids, shape[1], values);
        }
    }

    /** Rows and columns from a table's 12-byte header, checked against the file's size. */
    private static int[] shape(ByteBuffer header, Path file) throws IOException {
        if (header.getInt() != MAGIC) {
            throw new BundleException(file + ": not a float table (bad magic number)");
        }
        int rows = header.getInt();
        int cols = header.getInt();
        if (rows < 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new BundleException(file + ": implausible shape " + rows + " x " + cols);
        }
        long expected = 12L + 4L * rows + 4L * rows * cols;
        long actual = Files.size(file);
        if (actual != expected) {
            throw new BundleException(file + ": size " + actual + " bytes does not match shape " + rows + " x " + cols);
        }
        return new int[] {rows, cols};
    }

    public static FloatTable read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            int[] shape = shape(readFully(data, 12, file), file);
            int rows = shape[0];
            int cols = shape[1];
            int[] ids = new int[rows];
            readFully(data, 4 * rows, file).asIntBuffer().get(ids);
            float[] values = new float[rows * cols];
            readFully(data, 4 * rows * cols, file).asFloatBuffer().get(values);
            return new FloatTable(ids, cols, values);
        }
    }

    static ByteBuffer flushIfFull(OutputStream out, ByteBuffer buf, int needed) throws IOException {
        if (buf.remaining() < needed) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return buf;
    }

    static ByteBuffer readFully(DataInputStream in, int bytes, Path file) throws IOException {
        byte[] b = new byte[bytes];
        try {
            in.readFully(b);
        } catch (java.io.EOFException e) {
            throw new BundleException(file + ": truncated");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
