package org.lrml.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.lrml.io.InputFiles;
import org.lrml.io.Printable;

/**
 * IDX files (the MNIST family's format): a big-endian header, then unsigned bytes. Images have magic
 * 0x00000803 followed by count, rows and cols; labels have magic 0x00000801 followed by count. A file
 * may be gzip-compressed; that is recognised by its first two bytes (0x1f 0x8b), never by its name.
 * Every error is an {@link IOException} naming the file and the problem, including the gzip layer's own (a CRC
 * or length mismatch in the trailer, bad deflate data); memory grows with the data actually read, never with a
 * count the header declares.
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
        try (Input in = open(file)) {
            int magic = readHeaderInt(in, "magic number");
            checkMagic(in.name, magic, IMAGES_MAGIC, "an image file (idx3-ubyte)");
            int count = readHeaderInt(in, "image count");
            int rows = readHeaderInt(in, "row count");
            int cols = readHeaderInt(in, "column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IOException(in.name + ": corrupt header: " + count + " images of " + rows + " x " + cols);
            }
            // Each factor is below 2^31, so (count * rows) fits a long; the second product is checked before it is made.
            long perImage = (long) rows * cols;
            if (perImage > Integer.MAX_VALUE || (count > 0 && perImage > (Integer.MAX_VALUE - 16) / count)) {
                throw new IOException(in.name + ": " + count + " images of " + rows + " x " + cols
                        + " do not fit one array (at most " + (Integer.MAX_VALUE - 16) + " pixels)");
            }
            int bytes = (int) (count * perImage);
            byte[] pixels = readBody(in, bytes, count + " images of " + rows + " x " + cols + " = " + bytes + " bytes");
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Labels as ints 0..255. */
    public static int[] readLabels(Path file) throws IOException {
        try (Input in = open(file)) {
            int magic = readHeaderInt(in, "magic number");
            checkMagic(in.name, magic, LABELS_MAGIC, "a label file (idx1-ubyte)");
            int count = readHeaderInt(in, "label count");
            if (count < 0 || count > Integer.MAX_VALUE - 16) {
                throw new IOException(in.name + ": corrupt header: label count " + count);
            }
            byte[] raw = readBody(in, count, count + " labels = " + count + " bytes");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    /**
     * An open IDX file: its printable name for messages, the stream (decompressed when gzip), and for a raw file
     * its size, so a header announcing more than the file holds is refused before anything is allocated.
     */
    private static final class Input implements AutoCloseable {
        final String name;
        final DataInputStream in;
        final boolean gzip;
        final long size;
        long consumed;

        Input(String name, DataInputStream in, boolean gzip, long size) {
            this.name = name;
            this.in = in;
            this.gzip = gzip;
            this.size = size;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static Input open(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "an IDX file");
        String name = Printable.of(file.toString(), 400);
        InputStream raw;
        long size;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IOException(name + ": no such file", e);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new Input(name, new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16),
                        1 << 16)), true, -1);
            } catch (IOException e) {
                raw.close();
                throw new IOException(name + ": corrupt or truncated gzip header (" + Printable.of(e.getMessage()) + ")",
                        e);
            }
        }
        return new Input(name, new DataInputStream(raw), false, size);
    }

    private static void checkMagic(String file, int magic, int expected, String what) throws IOException {
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

    private static int readHeaderInt(Input in, String what) throws IOException {
        try {
            int v = in.in.readInt();
            in.consumed += 4;
            return v;
        } catch (EOFException e) {
            throw new IOException(in.name + ": truncated " + (in.gzip ? "gzip stream" : "header") + ": the file ends"
                    + " before the " + what, e);
        } catch (IOException e) {
            throw gzipError(in, "in the header", e);
        }
    }

    /**
     * Reads the {@code length} data bytes the header announced and checks that nothing follows. The array grows with
     * the data that actually arrives (doubling from 64 KiB), so a header that announces 2^31 labels in a file of a
     * few hundred bytes costs a few hundred bytes of memory, not two gigabytes.
     */
    private static byte[] readBody(Input in, int length, String what) throws IOException {
        if (!in.gzip && in.size - in.consumed < length) {
            throw new IOException(in.name + ": truncated: the header announces " + what + " but only "
                    + (in.size - in.consumed) + " data bytes follow");
        }
        byte[] body = new byte[Math.min(length, 1 << 16)];
        int got = 0;
        try {
            while (got < length) {
                if (got == body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
                }
                int r = in.in.read(body, got, body.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (EOFException e) {
            throw new IOException(in.name + ": truncated gzip stream after " + got + " of " + length
                    + " data bytes (" + what + ")", e);
        } catch (IOException e) {
            throw gzipError(in, "after " + got + " data bytes", e);
        }
        if (got < length) {
            throw new IOException(in.name + ": truncated: the header announces " + what + " but only " + got
                    + " data bytes follow");
        }
        try {
            if (in.in.read() >= 0) {
                throw new IOException(in.name + ": corrupt: bytes follow the " + what + " the header announces");
            }
        } catch (EOFException e) {
            // A gzip stream cut right after the data: the data is whole, the trailer is not.
            throw new IOException(in.name + ": truncated gzip stream (its trailer is missing)", e);
        } catch (ZipException e) {
            throw gzipError(in, "after the data (its trailer: checksum or length)", e);
        }
        return body;
    }

    /** A failure of the gzip layer (bad deflate data, a CRC or length mismatch in the trailer), naming the file. */
    private static IOException gzipError(Input in, String where, IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(in.name + ":")) {
            return e;
        }
        return new IOException(in.name + ": " + (in.gzip ? "corrupt gzip data " : "cannot read the data ") + where + " ("
                + Printable.of(String.valueOf(e.getMessage())) + ")", e);
    }
}
