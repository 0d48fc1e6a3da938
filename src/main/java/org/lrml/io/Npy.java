package org.lrml.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0): float32, float64, int32 and int64 in either byte
 * order, C order. Anything else (other dtypes, Fortran order, object arrays, truncated data) is an
 * {@link IOException} whose message names the file and the problem. Writes are little-endian version 1.0
 * (2.0 when the header needs it) and atomic.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    public static NpyArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), file.toString());
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
    }

    /** Reads one array from bytes (for .npy entries inside zip files); {@code name} appears in errors. */
    public static NpyArray read(byte[] bytes, String name) throws IOException {
        return read(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), bytes.length, name);
    }

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
        if (major == 1) {
            headerLen = pre.getShort() & 0xffff;
            preamble = 10;
        } else if (major == 2 || major == 3) {
            ByteBuffer b4 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, b4, file, "truncated header length");
            b4.flip();
            headerLen = (pre.getShort() & 0xffffL) | ((long) (b4.getShort() & 0xffff) << 16);
            preamble = 12;
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (preamble + headerLen > size) {
            throw new IOException(file + ": truncated: the header claims " + headerLen + " bytes but the file has "
                    + size);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, file, "truncated header");
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, file);
        long n = 1;
        for (int d : h.shape) {
            n = Math.multiplyExact(n, d);
        }
        long dataBytes = n * h.type.bytes;
        long available = size - preamble - headerLen;
        if (available < dataBytes) {
            throw new IOException(file + ": truncated data: shape " + java.util.Arrays.toString(h.shape) + " of "
                    + h.type.numpyName() + " needs " + dataBytes + " bytes, the file holds " + available);
        }
        if (available > dataBytes) {
            throw new IOException(file + ": corrupt: " + (available - dataBytes) + " bytes after the data of shape "
                    + java.util.Arrays.toString(h.shape));
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException(file + ": " + n + " elements is more than one array can hold");
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) dataBytes).order(h.order);
        readFully(ch, data, file, "truncated data");
        data.flip();
        int count = (int) n;
        Object values = switch (h.type) {
            case F4 -> {
                float[] f = new float[count];
                data.asFloatBuffer().get(f);
                yield f;
            }
            case F8 -> {
                double[] d = new double[count];
                data.asDoubleBuffer().get(d);
                yield d;
            }
            case I4 -> {
                int[] v = new int[count];
                data.asIntBuffer().get(v);
                yield v;
            }
            case I8 -> {
                long[] v = new long[count];
                data.asLongBuffer().get(v);
                yield v;
            }
        };
        return new NpyArray(h.type, h.shape, values);
    }

    private static void readFully(java.nio.channels.ReadableByteChannel ch, ByteBuffer b, String file, String what)
            throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException(file + ": " + what);
            }
        }
    }

    private record Header(NpyArray.Type type, ByteOrder order, int[] shape) {
    }

    /** Parses the header, a Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }. */
    static Header parseHeader(String header, String file) throws IOException {
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new IOException(file + ": corrupt header (not a dict): " + abbreviate(h));
        }
        String descr = stringValue(h, "descr", file);
        String fortran = rawValue(h, "fortran_order", file);
        String shape = rawValue(h, "shape", file);
        if (fortran.startsWith("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
        }
        if (!fortran.startsWith("False")) {
            throw new IOException(file + ": corrupt header: fortran_order is " + abbreviate(fortran));
        }
        if (descr.length() != 3) {
            throw new IOException(file + ": unsupported dtype '" + descr
                    + "' (supported: float32, float64, int32, int64)");
        }
        char bo = descr.charAt(0);
        ByteOrder order = switch (bo) {
            case '<', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException(file + ": unsupported byte order in dtype '" + descr + "'");
        };
        NpyArray.Type type = null;
        for (NpyArray.Type t : NpyArray.Type.values()) {
            if (t.code.equals(descr.substring(1))) {
                type = t;
            }
        }
        if (type == null) {
            throw new IOException(file + ": unsupported dtype '" + descr + "' (supported: float32 '<f4', float64 '<f8',"
                    + " int32 '<i4', int64 '<i8', either byte order)");
        }
        return new Header(type, order, parseShape(shape, file));
    }

    private static int[] parseShape(String raw, String file) throws IOException {
        if (!raw.startsWith("(")) {
            throw new IOException(file + ": corrupt header: shape is " + abbreviate(raw));
        }
        int close = raw.indexOf(')');
        if (close < 0) {
            throw new IOException(file + ": corrupt header: unterminated shape");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : raw.substring(1, close).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new IOException(file + ": shape dimension " + v + " is out of range");
                }
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": corrupt header: shape entry '" + p + "'");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int keyEnd(String h, String key, String file) throws IOException {
        for (String quote : new String[]{"'", "\""}) {
            int i = h.indexOf(quote + key + quote);
            if (i >= 0) {
                int colon = h.indexOf(':', i + key.length() + 2);
                if (colon < 0) {
                    break;
                }
                return colon + 1;
            }
        }
        throw new IOException(file + ": corrupt header: no '" + key + "' entry");
    }

    private static String rawValue(String h, String key, String file) throws IOException {
        return h.substring(keyEnd(h, key, file)).strip();
    }

    private static String stringValue(String h, String key, String file) throws IOException {
        String v = rawValue(h, key, file);
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
