package org.lrml.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * IDX files (the MNIST family's format): a big-endian header, then unsigned bytes. Images have magic
 * 0x00000803 followed by count, rows and cols; labels have magic 0x00000801 followed by count. A file
 * may be gzip-compressed; that is recognised by its first two bytes (0x1f 0x8b), never by its name.
 * Every error is an {@link IOException} naming the file and the problem.
 */
public final class Idx {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /** count images of rows x cols unsigned bytes, row-major, image after image. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            checkMagic(file, magic, IMAGES_MAGIC, "an image file (idx3-ubyte)");
            int count = readHeaderInt(in, file, "image count");
            int rows = readHeaderInt(in, file, "row count");
            int cols = readHeaderInt(in, file, "column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IOException(file + ": corrupt header: " + count + " images of " + rows + " x " + cols);
            }
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + count + " images of " + rows + " x " + cols
                        + " do not fit one array");
            }
            byte[] pixels = readBody(in, file, (int) bytes,
                    count + " images of " + rows + " x " + cols + " = " + bytes + " bytes");
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Labels as ints 0..255. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            checkMagic(file, magic, LABELS_MAGIC, "a label file (idx1-ubyte)");
            int count = readHeaderInt(in, file, "label count");
            if (count < 0) {
                throw new IOException(file + ": corrupt header: label count " + count);
            }
            byte[] raw = readBody(in, file, count, count + " labels = " + count + " bytes");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
            } catch (EOFException | ZipException e) {
                raw.close();
                throw new IOException(file + ": corrupt or truncated gzip header (" + e.getMessage() + ")", e);
            }
        }
        return new DataInputStream(raw);
    }

    private static void checkMagic(Path file, int magic, int expected, String what) throws IOException {
        if (magic == expected) {
            return;
        }
        String found = switch (magic) {
            case IMAGES_MAGIC -> " (that is an image file)";
            case LABELS_MAGIC -> " (that is a label file)";
            default -> " (not an IDX file of unsigned bytes)";
        };
        throw new IOException(String.format("%s: bad magic number 0x%08x%s; expected 0x%08x for %s",
                file, magic, found, expected, what));
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated header: the file ends before the " + what, e);
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readBody(DataInputStream in, Path file, int length, String what) throws IOException {
        byte[] body = new byte[length];
        int got = 0;
        try {
            while (got < length) {
                int r = in.read(body, got, length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (EOFException e) {
            throw new IOException(file + ": truncated gzip stream after " + got + " of " + length
                    + " data bytes (" + what + ")", e);
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt gzip data after " + got + " data bytes (" + e.getMessage() + ")", e);
        }
        if (got < length) {
            throw new IOException(file + ": truncated: the header announces " + what + " but only " + got
                    + " data bytes follow");
        }
        try {
            if (in.read() >= 0) {
                throw new IOException(file + ": corrupt: bytes follow the " + what + " the header announces");
            }
        } catch (EOFException e) {
            // A gzip stream cut right after the data: the data is whole, the trailer is not.
            throw new IOException(file + ": truncated gzip stream (its trailer is missing)", e);
        }
        return body;
    }
}
