package io.recommender.bundle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A dense float32 matrix whose rows are keyed by integer ids (user or movie ids), stored compactly.
 *
 * <p>Binary form, little-endian: magic {@code RFT1}, int32 rows, int32 cols, rows x int32 ids, rows x cols
 * float32 values in row-major order.
 */
public final class FloatTable {
    private static final int MAGIC = 0x31544652; // "RFT1" read as little-endian int

    private final int[] ids;
    private final int cols;
    private final float[] values;

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

    /** All values, row-major; do not modify. */
    public float[] values() {
        return values;
    }

    public float get(int row, int col) {
        return values[row * cols + col];
    }

    public float[] row(int row) {
        return Arrays.copyOfRange(values, row * cols, (row + 1) * cols);
    }

    public void write(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(MAGIC).putInt(ids.length).putInt(cols);
            for (int id : ids) {
                buf = flushIfFull(out, buf, 4);
                buf.putInt(id);
            }
            for (float v : values) {
                buf = flushIfFull(out, buf, 4);
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    public static FloatTable read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            ByteBuffer header = readFully(data, 12, file);
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
                throw new BundleException(
                        file + ": size " + actual + " bytes does not match shape " + rows + " x " + cols);
            }
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
