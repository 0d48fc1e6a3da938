package org.lrml.testutil;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lrml.io.Float16;

/**
 * Writes 2-D float32 or float16 .npy files a row at a time, so tests can make databases larger than the heap of
 * the JVM that later reads them (Npy.write needs the whole array in one Java array).
 */
public final class NpyFiles {
    private NpyFiles() {
    }

    /** Fills one row of the array. */
    @FunctionalInterface
    public interface Rows {
        void fill(long row, float[] dst);
    }

    /** rows x cols, little-endian float32 ('<f4') or float16 ('<f2'). */
    public static void write(Path file, long rows, int cols, boolean half, Rows source) throws IOException {
        String dict = "{'descr': '<" + (half ? "f2" : "f4") + "', 'fortran_order': False, 'shape': (" + rows + ", "
                + cols + "), }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            pre.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
            out.write(pre.array());
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            float[] row = new float[cols];
            ByteBuffer bytes = ByteBuffer.allocate(cols * (half ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (long r = 0; r < rows; r++) {
                source.fill(r, row);
                bytes.clear();
                for (float v : row) {
                    if (half) {
                        bytes.putShort(Float16.fromFloat(v));
                    } else {
                        bytes.putFloat(v);
                    }
                }
                out.write(bytes.array());
            }
        }
    }

    /** An in-memory m x d array written as float32 (or float16: then the values read back are the rounded ones). */
    public static void write(Path file, float[] values, int rows, int cols, boolean half) throws IOException {
        write(file, rows, cols, half, (r, dst) -> System.arraycopy(values, (int) r * cols, dst, 0, cols));
    }
}
