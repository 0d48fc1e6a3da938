package org.lrml.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0): float32, float64, int32 and int64 in either byte
 * order, C order. The header is read as numpy reads it ({@link NpyHeader}). Anything else (other dtypes, Fortran
 * order, object arrays, truncated data, a folder or a FIFO instead of a file) is an {@link IOException} whose
 * message names the file and the problem, quoting file content only as printable text ({@link Printable}); no
 * input makes the reader allocate more than the file's own size. Writes are little-endian version 1.0 (2.0 when
 * the header needs it) and atomic.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    public static NpyArray read(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "an .npy file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), Printable.of(file.toString(), 400));
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
    }

    /** Reads one array from bytes (for .npy entries inside zip files); {@code name} appears in errors. */
    public static NpyArray read(byte[] bytes, String name) throws IOException {
        return read(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), bytes.length, name);
    }

    /**
     * Reads an array of {@code size} bytes. Every size the file declares (header length, shape) is checked against
     * {@code size} before anything of that size is allocated, so a broken or hostile header costs no memory.
     */
    private static NpyArray read(java.nio.channels.ReadableByteChannel ch, long size, String file) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, file, "the file is shorter than an .npy preamble (10 bytes)");
        pre.flip();
        for (byte b : MAGIC) {
            if (pre.get() != b) {
                throw new IOException(file + ": not an .npy file (the magic string \\x93NUMPY is missing)");
            }
        }
        int major = pre.get() & 0xff;
        int minor = pre.get() & 0xff;
        long headerLen;
        int preamble;
        if ((major == 1 || major == 2 || major == 3) && minor == 0) {
            if (major == 1) {
                headerLen = pre.getShort() & 0xffff;
                preamble = 10;
            } else {
                ByteBuffer b4 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b4, file, "truncated header length");
                b4.flip();
                headerLen = (pre.getShort() & 0xffffL) | ((long) (b4.getShort() & 0xffff) << 16);
                preamble = 12;
            }
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (preamble + headerLen > size) {
            throw new IOException(file + ": truncated: the header claims " + headerLen + " bytes but the file has "
                    + size);
        }
        if (headerLen > 4L * NpyHeader.MAX_LENGTH) {
            throw new IOException(file + ": corrupt header: " + headerLen + " bytes, more than numpy's limit of "
                    + NpyHeader.MAX_LENGTH + " characters (np.load refuses it too)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, file, "truncated header");
        NpyHeader h = NpyHeader.parse(decode(hb.array(), major, file), major, file);
        long n = elements(h.shape, file);
        long available = size - preamble - headerLen;
        if (n > available / h.type.bytes) {
            throw new IOException(file + ": truncated data: shape " + Arrays.toString(h.shape) + " of "
                    + h.type.numpyName() + " needs " + n + " x " + h.type.bytes + " bytes, the file holds " + available);
        }
        long dataBytes = n * h.type.bytes;
        if (available > dataBytes) {
            throw new IOException(file + ": corrupt: " + (available - dataBytes) + " bytes after the data of shape "
                    + Arrays.toString(h.shape) + " (" + dataBytes + " bytes of " + h.type.numpyName() + ")");
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException(file + ": " + n + " elements is more than one array can hold");
        }
        return new NpyArray(h.type, h.shape, values(ch, h, (int) n, file));
    }

    /** The number of elements of a shape; a product beyond any file size is an error, not an overflow. */
    private static long elements(int[] shape, String file) throws IOException {
        long n = 1;
        boolean overflow = false;
        for (int d : shape) {
            if (d == 0) {
                return 0;
            }
            if (n > Long.MAX_VALUE / d) {
                overflow = true;
            } else {
                n *= d;
            }
        }
        if (overflow) {
            throw new IOException(file + ": corrupt header: shape " + Arrays.toString(shape)
                    + " has more elements than any file can hold");
        }
        return n;
    }

    private static String decode(byte[] header, int major, String file) throws IOException {
        if (major != 3) {
            return new String(header, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": corrupt header: a version 3.0 header must be UTF-8", e);
        }
    }

    /** Reads the data into its typed array through a small buffer (no second copy of the whole array). */
    private static Object values(java.nio.channels.ReadableByteChannel ch, NpyHeader h, int count, String file)
            throws IOException {
        Object values = switch (h.type) {
            case F4 -> new float[count];
            case F8 -> new double[count];
            case I4 -> new int[count];
            case I8 -> new long[count];
        };
        int bytes = h.type.bytes;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(bytes, (long) count * bytes)))
                .order(h.order);
        int done = 0;
        while (done < count) {
            int chunk = Math.min(count - done, buf.capacity() / bytes);
            buf.clear().limit(chunk * bytes);
            readFully(ch, buf, file, "truncated data");
            buf.flip();
            switch (h.type) {
                case F4 -> buf.asFloatBuffer().get((float[]) values, done, chunk);
                case F8 -> buf.asDoubleBuffer().get((double[]) values, done, chunk);
                case I4 -> buf.asIntBuffer().get((int[]) values, done, chunk);
                case I8 -> buf.asLongBuffer().get((long[]) values, done, chunk);
            }
            done += chunk;
        }
        return values;
    }

    private static void readFully(java.nio.channels.ReadableByteChannel ch, ByteBuffer b, String file, String what)
            throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException(file + ": " + what);
            }
        }
    }

    /** Writes the array atomically (little-endian, C order). */
    public static void write(Path file, NpyArray a) throws IOException {
        AtomicFiles.write(file, out -> write(out, a));
    }

    /** Writes the .npy bytes of the array to a stream (not closed). */
    public static void write(java.io.OutputStream out, NpyArray a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < a.shape().length; i++) {
            shape.append(a.shape()[i]).append(a.shape().length == 1 ? "," : (i + 1 < a.shape().length ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '<" + a.type().code + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int version = dict.length() + 11 < 65535 ? 1 : 2;
        int preamble = version == 1 ? 10 : 12;
        int total = preamble + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer pre = ByteBuffer.allocate(preamble).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            pre.putShort((short) header.length());
        } else {
            pre.putInt(header.length());
        }
        long n = a.numel();
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(n * a.type().bytes)).order(ByteOrder.LITTLE_ENDIAN);
        switch (a.type()) {
            case F4 -> data.asFloatBuffer().put((float[]) a.data());
            case F8 -> data.asDoubleBuffer().put((double[]) a.data());
            case I4 -> data.asIntBuffer().put((int[]) a.data());
            case I8 -> data.asLongBuffer().put((long[]) a.data());
        }
        out.write(pre.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(data.array());
    }
}
