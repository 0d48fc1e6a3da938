package org.lrml.io;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads files written by PyTorch's {@code torch.save}, without Python: the zip format (the default since
 * PyTorch 1.6: {@code <name>/data.pkl}, a pickle whose tensors refer by persistent id to the storages
 * {@code <name>/data/<key>}) and the legacy format (five pickles in a row, magic number, protocol version,
 * system info, the object, the storage keys, then each storage as an int64 element count and its raw
 * bytes). The object comes back as {@link Pickle} returns data (dicts as {@code LinkedHashMap}, lists,
 * tuples, str, numbers), with every tensor as an {@link NpyArray}: float32, float64 and integer tensors
 * as themselves (integers of up to 32 bits as int32), float16 and bfloat16 widened to float32, bool and
 * 8-bit types as int32. Strided views (a storage offset, non-contiguous strides) are copied out in
 * row-major order. Nothing in the file is executed: the pickle may only call PyTorch's tensor and
 * parameter rebuilders, {@code collections.OrderedDict} and the numpy calls {@link Pickle} knows.
 *
 * <p>Every problem is an {@link IOException} that names the file: not a PyTorch file, the old tar format
 * (PyTorch before 0.4), a storage the pickle names but the file lacks, an unknown storage type.
 */
public final class TorchCheckpoint {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private TorchCheckpoint() {
    }

    /** The object saved in the file, tensors as {@link NpyArray}. */
    public static Object read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) {
                throw new IOException(file + ": not a PyTorch file (only " + n + " bytes)");
            }
        }
        if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return readZip(file);
        }
        if ((head[0] & 0xff) == 0x80) {
            return readLegacy(file, Files.readAllBytes(file));
        }
        throw new IOException(file + ": not a PyTorch file saved by torch.save (neither the zip format of PyTorch"
                + " 1.6+ nor the legacy pickle format)");
    }

    // ------------------------------------------------------------------ zip format

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (prefix == null) {
                throw new IOException(file + ": a zip archive without <name>/data.pkl, so not a torch.save file (an"
                        + " engine checkpoint? it is read with --checkpoint, not --torch)");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(zip.getInputStream(bo).readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                        .strip();
                order = s.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            }
            byte[] pickle = zip.getInputStream(zip.getEntry(prefix + "data.pkl")).readAllBytes();
            String pfx = prefix;
            ByteOrder bytes = order;
            Map<String, Storage> loaded = new HashMap<>();
            return Pickle.read(pickle, file + ":" + prefix + "data.pkl", new TorchExtension(file, pid -> {
                StorageRef ref = StorageRef.of(pid, file);
                Storage s = loaded.get(ref.key());
                if (s == null) {
                    ZipEntry e = zip.getEntry(pfx + "data/" + ref.key());
                    if (e == null) {
                        throw new IOException(file + ": the pickle refers to storage '" + ref.key() + "', but the archive"
                                + " has no " + pfx + "data/" + ref.key() + " (truncated or corrupt file)");
                    }
                    byte[] raw = zip.getInputStream(e).readAllBytes();
                    s = new Storage(ref.type(), ByteBuffer.wrap(raw).order(bytes), raw.length / ref.type().bytes);
                    loaded.put(ref.key(), s);
                }
                return s;
            }));
        } catch (ZipException e) {
            throw new IOException(file + ": corrupt zip archive (" + e.getMessage() + ")", e);
        }
    }

    // ------------------------------------------------------------------ legacy format

    private static Object readLegacy(Path file, byte[] b) throws IOException {
        String src = file.toString();
        Pickle.Result magic;
        try {
            magic = Pickle.readAt(b, 0, src, null);
        } catch (IOException e) {
            throw new IOException(file + ": not a PyTorch file (it starts like a pickle, but " + e.getMessage() + ")", e);
        }
        if (!(magic.value() instanceof BigInteger m) || !m.equals(LEGACY_MAGIC)) {
            throw new IOException(file + ": a pickle, but not a torch.save file (no PyTorch magic number; a plain"
                    + " pickle of numpy arrays is read elsewhere)");
        }
        Pickle.Result protocol = Pickle.readAt(b, magic.end(), src, null);
        if (!(protocol.value() instanceof Long p) || p != LEGACY_PROTOCOL) {
            throw new IOException(file + ": legacy PyTorch protocol " + protocol.value() + " is not supported (this"
                    + " reader knows " + LEGACY_PROTOCOL + ")");
        }
        Pickle.Result sysInfo = Pickle.readAt(b, protocol.end(), src, null);
        boolean little = !(sysInfo.value() instanceof Map<?, ?> info) || !Boolean.FALSE.equals(info.get("little_endian"));
        ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        // The object refers to storages whose bytes come after it; collect the references, fill them afterwards.
        Map<String, Storage> storages = new HashMap<>();
        List<Object[]> views = new ArrayList<>();
        Pickle.Result object = Pickle.readAt(b, sysInfo.end(), src, new TorchExtension(file, pid -> {
            StorageRef ref = StorageRef.of(pid, file);
            Storage root = storages.computeIfAbsent(ref.key(), k -> new Storage(ref.type(), null, ref.numel()));
            if (ref.view() == null) {
                return root;
            }
            Storage view = new Storage(ref.type(), null, ref.view()[1]);
            views.add(new Object[]{view, root, ref.view()[0]});
            return view;
        }));
        Pickle.Result keys = Pickle.readAt(b, object.end(), src, null);
        List<String> keyList = Pickle.strings(keys.value(), file + " storage keys");
        int pos = keys.end();
        for (String key : keyList) {
            Storage s = storages.get(key);
            if (s == null) {
                throw new IOException(file + ": storage '" + key + "' is listed but never used by the saved object");
            }
            if (pos + 8 > b.length) {
                throw new IOException(file + ": the file ends before storage '" + key + "' (truncated)");
            }
            long numel = ByteBuffer.wrap(b, pos, 8).order(order).getLong();
            long bytes = numel * s.type.bytes;
            if (numel != s.numel || pos + 8 + bytes > b.length) {
                throw new IOException(file + ": storage '" + key + "' holds " + numel + " elements where "
                        + s.numel + " were expected, or runs past the end of the file (truncated or corrupt)");
            }
            s.bytes = ByteBuffer.wrap(b, pos + 8, (int) bytes).slice().order(order);
            pos += 8 + (int) bytes;
        }
        for (Object[] v : views) {
            Storage view = (Storage) v[0];
            Storage root = (Storage) v[1];
            long offset = (Long) v[2];
            view.bytes = root.bytes.duplicate().position((int) (offset * root.type.bytes)).slice().order(order);
        }
        for (Map.Entry<String, Storage> e : storages.entrySet()) {
            if (e.getValue().bytes == null) {
                throw new IOException(file + ": storage '" + e.getKey() + "' is used but its bytes are missing"
                        + " (truncated file)");
            }
        }
        return Materialize.all(object.value(), file);
    }

    // ------------------------------------------------------------------ storages and tensors

    /** Element types of PyTorch's storage classes, as the file names them. */
    enum StorageType {
        FLOAT(4), DOUBLE(8), HALF(2), BFLOAT16(2), LONG(8), INT(4), SHORT(2), CHAR(1), BYTE(1), BOOL(1);

        final int bytes;

        StorageType(int bytes) {
            this.bytes = bytes;
        }

        static StorageType of(Object global, Path file) throws IOException {
            String name = global instanceof Pickle.GlobalRef g ? g.name() : String.valueOf(global);
            return switch (name) {
                case "FloatStorage" -> FLOAT;
                case "DoubleStorage" -> DOUBLE;
                case "HalfStorage" -> HALF;
                case "BFloat16Storage" -> BFLOAT16;
                case "LongStorage" -> LONG;
                case "IntStorage" -> INT;
                case "ShortStorage" -> SHORT;
                case "CharStorage" -> CHAR;
                case "ByteStorage" -> BYTE;
                case "BoolStorage" -> BOOL;
                default -> throw new IOException(file + ": tensor storage type " + name + " is not supported (float,"
                        + " double, half, bfloat16 and integer storages are)");
            };
        }
    }

    /** A storage: its element type and bytes (filled later in the legacy format). */
    static final class Storage {
        final StorageType type;
        ByteBuffer bytes;
        final long numel;

        Storage(StorageType type, ByteBuffer bytes, long numel) {
            this.type = type;
            this.bytes = bytes;
            this.numel = numel;
        }

        double get(long i) {
            int at = (int) (i * type.bytes);
            return switch (type) {
                case FLOAT -> bytes.getFloat(at);
                case DOUBLE -> bytes.getDouble(at);
                case HALF -> halfToFloat(bytes.getShort(at));
                case BFLOAT16 -> Float.intBitsToFloat((bytes.getShort(at) & 0xffff) << 16);
                case LONG -> bytes.getLong(at);
                case INT -> bytes.getInt(at);
                case SHORT -> bytes.getShort(at);
                case CHAR -> bytes.get(at);
                case BYTE -> bytes.get(at) & 0xff;
                case BOOL -> bytes.get(at) != 0 ? 1 : 0;
            };
        }

        /** IEEE 754 binary16 to float (exact: every half is a float). */
        static float halfToFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            if (exp == 0) {
                // Subnormal (or zero): mant * 2^-24.
                float v = mant * 0x1p-24f;
                return sign != 0 ? -v : v;
            }
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }

        long getLong(long i) {
            return type == StorageType.LONG ? bytes.getLong((int) (i * 8)) : (long) get(i);
        }
    }

    /** The persistent id of a storage: ('storage', type, key, location, numel[, view metadata]). */
    private record StorageRef(StorageType type, String key, long numel, long[] view) {
        static StorageRef of(Object pid, Path file) throws IOException {
            if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0)) || !(t.get(2) instanceof String key)
                    || !(t.get(4) instanceof Long numel)) {
                throw new IOException(file + ": unexpected persistent id " + pid + " (expected a PyTorch storage record)");
            }
            long[] view = null;
            if (t.size() > 5 && t.get(5) instanceof List<?> v && v.size() == 3 && v.get(1) instanceof Long off
                    && v.get(2) instanceof Long size) {
                view = new long[]{off, size};
            }
            return new StorageRef(StorageType.of(t.get(1), file), key, numel, view);
        }
    }

    /** A tensor as the pickle rebuilds it: storage, offset, sizes and strides (materialised at the end). */
    record TensorRef(Storage storage, long offset, int[] size, long[] stride) {
    }

    /** Storage lookups, called for each persistent id. */
    @FunctionalInterface
    private interface StorageLoader {
        Storage load(Object pid) throws IOException;
    }

    /** torch._utils' tensor and parameter rebuilders; everything else stays refused. */
    private record TorchExtension(Path file, StorageLoader loader) implements Pickle.Extension {
        @Override
        public Object persistentLoad(Object pid) throws IOException {
            return loader.load(pid);
        }

        @Override
        public Object call(Pickle.GlobalRef global, List<?> args) throws IOException {
            switch (global.qualified()) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    if (args.size() < 4 || !(args.get(0) instanceof Storage s) || !(args.get(1) instanceof Long off)
                            || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)) {
                        throw new IOException(file + ": " + global.qualified() + " with unexpected arguments");
                    }
                    return materializeLater(new TensorRef(s, off, ints(size), longs(stride)));
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    if (args.isEmpty()) {
                        throw new IOException(file + ": " + global.qualified() + " without data");
                    }
                    return args.get(0);
                }
                case "torch.Size" -> {
                    return args.isEmpty() ? List.of() : args.get(0);
                }
                default -> {
                    return Pickle.UNHANDLED;
                }
            }
        }

        private Object materializeLater(TensorRef t) throws IOException {
            // In the zip format the bytes are there already; the legacy format fills them after the object.
            return t.storage().bytes != null ? Materialize.tensor(t, file) : t;
        }

        private int[] ints(List<?> l) throws IOException {
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                    throw new IOException(file + ": bad tensor size " + l);
                }
                out[i] = (int) (long) v;
            }
            return out;
        }

        private long[] longs(List<?> l) throws IOException {
            long[] out = new long[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long v)) {
                    throw new IOException(file + ": bad tensor stride " + l);
                }
                out[i] = v;
            }
            return out;
        }
    }

    /** Tensor references to row-major NpyArrays. */
    static final class Materialize {
        private Materialize() {
        }

        /** Replaces every pending tensor in the object graph (legacy format). */
        @SuppressWarnings("unchecked")
        static Object all(Object o, Path file) throws IOException {
            if (o instanceof TensorRef t) {
                return tensor(t, file);
            }
            if (o instanceof Map<?, ?> m) {
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) {
                    e.setValue(all(e.getValue(), file));
                }
                return m;
            }
            if (o instanceof ArrayList<?> l) {
                ArrayList<Object> ll = (ArrayList<Object>) l;
                for (int i = 0; i < ll.size(); i++) {
                    ll.set(i, all(ll.get(i), file));
                }
                return ll;
            }
            if (o instanceof List<?> t) {
                List<Object> copy = new ArrayList<>(t.size());
                for (Object x : t) {
                    copy.add(all(x, file));
                }
                return java.util.Collections.unmodifiableList(copy);
            }
            return o;
        }

        static NpyArray tensor(TensorRef t, Path file) throws IOException {
            int[] size = t.size();
            long[] stride = t.stride();
            if (stride.length != size.length) {
                throw new IOException(file + ": tensor with " + size.length + " sizes and " + stride.length + " strides");
            }
            long n = 1;
            long last = t.offset();
            for (int d = 0; d < size.length; d++) {
                n = Math.multiplyExact(n, size[d]);
                if (size[d] > 0) {
                    last += (size[d] - 1) * stride[d];
                }
            }
            if (n > 0 && (t.offset() < 0 || last >= t.storage().numel)) {
                throw new IOException(file + ": a tensor of shape " + java.util.Arrays.toString(size) + " reaches"
                        + " element " + last + " of a storage of " + t.storage().numel + " (corrupt file)");
            }
            if (n > Integer.MAX_VALUE) {
                throw new IOException(file + ": a tensor of " + n + " elements is too large");
            }
            int count = (int) n;
            int[] idx = new int[size.length];
            Storage s = t.storage();
            if (s.type == StorageType.FLOAT && contiguous(size, stride)) {
                float[] out = new float[count];
                s.bytes.duplicate().order(s.bytes.order()).position((int) (t.offset() * 4)).slice().order(s.bytes.order())
                        .asFloatBuffer().get(out);
                return NpyArray.of(out, size);
            }
            switch (s.type) {
                case FLOAT, HALF, BFLOAT16 -> {
                    float[] out = new float[count];
                    walk(size, stride, t.offset(), idx, count, (i, at) -> out[i] = (float) s.get(at));
                    return NpyArray.of(out, size);
                }
                case DOUBLE -> {
                    double[] out = new double[count];
                    walk(size, stride, t.offset(), idx, count, (i, at) -> out[i] = s.get(at));
                    return NpyArray.of(out, size);
                }
                case LONG -> {
                    long[] out = new long[count];
                    walk(size, stride, t.offset(), idx, count, (i, at) -> out[i] = s.getLong(at));
                    return NpyArray.of(out, size);
                }
                default -> {
                    int[] out = new int[count];
                    walk(size, stride, t.offset(), idx, count, (i, at) -> out[i] = (int) s.get(at));
                    return NpyArray.of(out, size);
                }
            }
        }

        private static boolean contiguous(int[] size, long[] stride) {
            long expect = 1;
            for (int d = size.length - 1; d >= 0; d--) {
                if (size[d] != 1 && stride[d] != expect) {
                    return false;
                }
                expect *= size[d];
            }
            return true;
        }

        @FunctionalInterface
        private interface Visit {
            void at(int flat, long storageIndex);
        }

        /** Visits the elements in row-major order with their storage index (an odometer over the sizes). */
        private static void walk(int[] size, long[] stride, long offset, int[] idx, int count, Visit v) {
            long at = offset;
            for (int i = 0; i < count; i++) {
                v.at(i, at);
                for (int d = size.length - 1; d >= 0; d--) {
                    if (++idx[d] < size[d]) {
                        at += stride[d];
                        break;
                    }
                    at -= (long) (size[d] - 1) * stride[d];
                    idx[d] = 0;
                }
            }
        }
    }
}
