package org.lrml.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * A 1-D or 2-D .npy file read in place, a range of rows at a time, through memory mapping: for descriptor
 * databases larger than the heap (a million 2048-dim float32 descriptors are 8 GiB). {@link Npy#read} loads a
 * whole array into one Java array; this class never does. Each read maps only the rows asked for, converts
 * them into the caller's array and unmaps them at once ({@link Unmapper}), so the process holds at most one
 * block of the file mapped and the heap holds only what the caller allocates.
 *
 * <p>Element types: float16 ({@code f2}), float32, float64 (read as float32: float16 widens exactly, float64
 * rounds), int32 and int64 (read as long), either byte order, C order. The header is checked as strictly as
 * {@link Npy} does it, and the file size must equal header plus data exactly; errors name the file.
 */
public final class MappedNpy implements AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Bytes mapped at once at most (a MappedByteBuffer is indexed by int). */
    private static final long MAX_MAP_BYTES = 1L << 30;

    /** The element types this reader converts. */
    public enum Element {
        F2(2, "float16"), F4(4, "float32"), F8(8, "float64"), I4(4, "int32"), I8(8, "int64");

        private final int bytes;
        private final String numpyName;

        Element(int bytes, String numpyName) {
            this.bytes = bytes;
            this.numpyName = numpyName;
        }

        public int bytes() {
            return bytes;
        }

        public String numpyName() {
            return numpyName;
        }

        public boolean isFloat() {
            return this == F2 || this == F4 || this == F8;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Element element;
    private final ByteOrder order;
    private final int[] shape;
    private final long rows;
    private final int cols;
    private final long dataOffset;

    private MappedNpy(Path file, FileChannel channel, Element element, ByteOrder order, int[] shape, long dataOffset) {
        this.file = file;
        this.channel = channel;
        this.element = element;
        this.order = order;
        this.shape = shape;
        this.rows = shape.length == 0 ? 1 : shape[0];
        this.cols = shape.length == 2 ? shape[1] : 1;
        this.dataOffset = dataOffset;
    }

    /** Opens the file and checks its header and size; the data are read only by the read methods. */
    public static MappedNpy open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        try {
            MappedNpy m = parse(file, ch);
            ch = null;
            return m;
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    private static MappedNpy parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readAt(ch, pre, 0, file, "the file is shorter than an .npy preamble");
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
        if (major == 1) {
            headerLen = pre.getShort() & 0xffff;
            preamble = 10;
        } else if (major == 2 || major == 3) {
            headerLen = pre.getInt() & 0xffffffffL;
            preamble = 12;
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (preamble + headerLen > size || headerLen > 1 << 20) {
            throw new IOException(file + ": truncated or corrupt: the header claims " + headerLen
                    + " bytes but the file has " + size);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readAt(ch, hb, preamble, file, "truncated header");
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new IOException(file + ": corrupt header (not a dict): " + abbreviate(header));
        }
        String descr = stringEntry(header, "descr", file);
        String fortran = rawEntry(header, "fortran_order", file);
        if (fortran.startsWith("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
        }
        if (!fortran.startsWith("False")) {
            throw new IOException(file + ": corrupt header: fortran_order is " + abbreviate(fortran));
        }
        ByteOrder order = switch (descr.isEmpty() ? '?' : descr.charAt(0)) {
            case '<', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException(file + ": unsupported dtype '" + descr + "' (supported: float16, float32,"
                    + " float64, int32, int64 in either byte order)");
        };
        Element element = null;
        for (Element e : Element.values()) {
            if (descr.substring(1).equals(e.name().toLowerCase(Locale.ROOT))) {
                element = e;
            }
        }
        if (element == null) {
            throw new IOException(file + ": unsupported dtype '" + descr + "' (supported: float16 '<f2', float32 '<f4',"
                    + " float64 '<f8', int32 '<i4', int64 '<i8', either byte order)");
        }
        int[] shape = shape(rawEntry(header, "shape", file), file);
        if (shape.length > 2) {
            throw new IOException(file + ": expected a 1-D or 2-D array, found shape " + Arrays.toString(shape));
        }
        long elements = 1;
        for (int d : shape) {
            elements = Math.multiplyExact(elements, (long) d);
        }
        long dataOffset = preamble + headerLen;
        long dataBytes = Math.multiplyExact(elements, (long) element.bytes);
        if (size - dataOffset < dataBytes) {
            throw new IOException(file + ": truncated data: shape " + Arrays.toString(shape) + " of "
                    + element.numpyName + " needs " + dataBytes + " bytes, the file holds " + (size - dataOffset));
        }
        if (size - dataOffset > dataBytes) {
            throw new IOException(file + ": corrupt: " + (size - dataOffset - dataBytes)
                    + " bytes after the data of shape " + Arrays.toString(shape));
        }
        return new MappedNpy(file, ch, element, order, shape, dataOffset);
    }

    public Path file() {
        return file;
    }

    public Element element() {
        return element;
    }

    /** The shape as the header gives it (1-D arrays have one entry). */
    public int[] shape() {
        return shape.clone();
    }

    /** Rows: shape[0] (1 for a 0-D array). */
    public long rows() {
        return rows;
    }

    /** Columns: shape[1] of a 2-D array, 1 otherwise. */
    public int cols() {
        return cols;
    }

    public boolean isMatrix() {
        return shape.length == 2;
    }

    /** Bytes of data (what the database costs in the page cache). */
    public long dataBytes() {
        return rows * cols * element.bytes;
    }

    /**
     * Rows first .. first + count - 1 as float32 into dst[offset ..] (row-major, count x cols values). Float
     * types only; float16 widens exactly, float64 rounds to nearest.
     */
    public void readFloats(long first, int count, float[] dst, int offset) throws IOException {
        if (!element.isFloat()) {
            throw new IOException(file + ": holds " + element.numpyName + ", expected float16, float32 or float64");
        }
        checkRange(first, count, dst.length - (long) offset);
        forEachWindow(first, count, offset, (b, at, n) -> {
            switch (element) {
                case F4 -> b.asFloatBuffer().get(dst, at, n);
                case F2 -> {
                    java.nio.ShortBuffer s = b.asShortBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[at + i] = Float16.toFloat(s.get(i));
                    }
                }
                default -> {
                    java.nio.DoubleBuffer d = b.asDoubleBuffer();
                    for (int i = 0; i < n; i++) {
                        dst[at + i] = (float) d.get(i);
                    }
                }
            }
        });
    }

    /** Rows first .. first + count - 1 of an integer array (int32 or int64) into dst[offset ..]. */
    public void readLongs(long first, int count, long[] dst, int offset) throws IOException {
        if (element != Element.I4 && element != Element.I8) {
            throw new IOException(file + ": holds " + element.numpyName + ", expected int32 or int64");
        }
        checkRange(first, count, dst.length - (long) offset);
        forEachWindow(first, count, offset, (b, at, n) -> {
            if (element == Element.I8) {
                b.asLongBuffer().get(dst, at, n);
            } else {
                java.nio.IntBuffer v = b.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    dst[at + i] = v.get(i);
                }
            }
        });
    }

    /** What a read does with one mapped window: n elements from b (in the file's byte order) into dst[at ..]. */
    @FunctionalInterface
    private interface Window {
        void copy(ByteBuffer b, int at, int n);
    }

    /**
     * Maps rows first .. first + count - 1 in windows of at most MAX_MAP_BYTES, hands each to {@code window} with the
     * destination index its first element goes to (offset + elements before it), and unmaps it.
     */
    private void forEachWindow(long first, int count, int offset, Window window) throws IOException {
        long elements = (long) count * cols;
        long start = first * cols;
        long perMap = MAX_MAP_BYTES / element.bytes;
        for (long done = 0; done < elements; ) {
            int n = (int) Math.min(perMap, elements - done);
            MappedByteBuffer map = map(start + done, n);
            try {
                window.copy(map.order(order), offset + (int) done, n);
            } finally {
                Unmapper.unmap(map);
            }
            done += n;
        }
    }

    private void checkRange(long first, int count, long room) {
        if (first < 0 || count < 0 || first + count > rows) {
            throw new IndexOutOfBoundsException(file + ": rows " + first + " .. " + (first + count) + " of " + rows);
        }
        if ((long) count * cols > room) {
            throw new IndexOutOfBoundsException(file + ": " + count + " rows of " + cols + " need " + (long) count * cols
                    + " values, the destination has room for " + room);
        }
    }

    private MappedByteBuffer map(long firstElement, int elements) throws IOException {
        return channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + firstElement * element.bytes,
                (long) elements * element.bytes);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return file + " (" + element.numpyName + " " + Arrays.toString(shape) + ")";
    }

    private static void readAt(FileChannel ch, ByteBuffer b, long position, Path file, String what) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int r = ch.read(b, at);
            if (r < 0) {
                throw new IOException(file + ": " + what);
            }
            at += r;
        }
    }

    private static int[] shape(String raw, Path file) throws IOException {
        int close = raw.indexOf(')');
        if (!raw.startsWith("(") || close < 0) {
            throw new IOException(file + ": corrupt header: shape is " + abbreviate(raw));
        }
        String inner = raw.substring(1, close).strip();
        if (inner.isEmpty()) {
            return new int[0];
        }
        String[] parts = inner.split(",");
        int count = 0;
        int[] dims = new int[parts.length];
        for (String part : parts) {
            String p = part.strip();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new IOException(file + ": shape dimension " + v + " is out of range");
                }
                dims[count++] = (int) v;
            } catch (NumberFormatException e) {
                throw new IOException(file + ": corrupt header: shape entry '" + p + "'", e);
            }
        }
        return Arrays.copyOf(dims, count);
    }

    private static String rawEntry(String h, String key, Path file) throws IOException {
        for (String quote : new String[]{"'", "\""}) {
            int i = h.indexOf(quote + key + quote);
            if (i >= 0) {
                int colon = h.indexOf(':', i + key.length() + 2);
                if (colon >= 0) {
                    return h.substring(colon + 1).strip();
                }
            }
        }
        throw new IOException(file + ": corrupt header: no '" + key + "' entry");
    }

    private static String stringEntry(String h, String key, Path file) throws IOException {
        String v = rawEntry(h, key, file);
        if (v.isEmpty() || (v.charAt(0) != '\'' && v.charAt(0) != '"')) {
            throw new IOException(file + ": unsupported dtype description " + abbreviate(v)
                    + " (structured or object arrays are not supported)");
        }
        int end = v.indexOf(v.charAt(0), 1);
        if (end < 0) {
            throw new IOException(file + ": corrupt header: unterminated string for '" + key + "'");
        }
        return v.substring(1, end);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
