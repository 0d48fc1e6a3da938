package org.lrml.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of Python pickles (protocols 0 to 5), enough for data files such as the revisited
 * Oxford/Paris ground truth: dicts, lists, tuples, str, bytes, int, float, None, booleans, the memo,
 * frames, and numpy arrays of integers or floats as numpy pickles them ({@code _reconstruct} of
 * {@code numpy.ndarray}, a {@code numpy.dtype}, and BUILD with the array state, or protocol 5's
 * {@code _frombuffer}), plus numpy scalars.
 * It never runs Python code: any other global or opcode is an {@link IOException} naming the file, the
 * byte offset and what was found.
 *
 * <p>Python values become: dict - {@code LinkedHashMap<Object, Object>} (insertion order kept); list -
 * {@code ArrayList<Object>}; tuple - an unmodifiable {@code List<Object>}; str - String; bytes - byte[];
 * int - Long (BigInteger beyond 64 bits); float - Double; bool - Boolean; None - null; numpy array -
 * {@link NpyArray} (integer dtypes of up to 32 bits become int32, 64-bit ones int64; float16 is refused).
 */
public final class Pickle {

    private Pickle() {
    }

    public static Object read(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "a pickle");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        return read(bytes, Printable.of(file.toString(), 400));
    }

    /** Reads a pickle from memory; source names it in errors. */
    public static Object read(byte[] bytes, String source) throws IOException {
        return new Machine(bytes, 0, source, null).run();
    }

    /** Reads a pickle from memory with an extension (persistent ids, further globals); see {@link Extension}. */
    public static Object read(byte[] bytes, String source, Extension extension) throws IOException {
        return new Machine(bytes, 0, source, extension).run();
    }

    /**
     * Reads the pickle that starts at byte offset (a file may hold several in a row, as PyTorch's legacy
     * format does) and says where it ended.
     */
    public static Result readAt(byte[] bytes, int offset, String source, Extension extension) throws IOException {
        Machine m = new Machine(bytes, offset, source, extension);
        Object value = m.run();
        return new Result(value, m.pos);
    }

    /** A value and the offset of the first byte after its pickle's STOP. */
    public record Result(Object value, int end) {
    }

    /** A global (module and name) as the pickle names it, e.g. torch's storage classes inside persistent ids. */
    public record GlobalRef(String module, String name) {
        public String qualified() {
            return module + "." + name;
        }
    }

    /**
     * What a caller may teach the reader beyond plain data, still without running code: the meaning of
     * persistent ids (PyTorch refers to tensor storages that way) and of calls to further globals (PyTorch's
     * tensor rebuilders). The objects it returns go into the result as they are. With an extension the reader
     * also accepts {@code collections.OrderedDict} (a LinkedHashMap) and BUILD of a dict's instance attributes
     * (ignored), which is how PyTorch pickles state dicts; the plain reader keeps refusing both.
     */
    public interface Extension {
        /** The value a persistent id stands for; pid is the decoded id (a tuple for PyTorch). */
        Object persistentLoad(Object pid) throws IOException;

        /** The value of calling the global with the arguments, or {@link #UNHANDLED} to refuse it. */
        Object call(GlobalRef global, List<?> args) throws IOException;
    }

    /** Returned by {@link Extension#call} for globals it does not know. */
    public static final Object UNHANDLED = new Object();

    // ------------------------------------------------------------------ helpers for callers

    /** The dict's value for key; the error names what was expected. */
    public static Object get(Object dict, String key, String where) throws IOException {
        if (!(dict instanceof Map<?, ?> m)) {
            throw new IOException(where + ": expected a dict, found " + typeName(dict));
        }
        if (!m.containsKey(key)) {
            throw new IOException(where + ": the dict has no key '" + key + "' (keys: " + brief(m.keySet()) + ")");
        }
        return m.get(key);
    }

    /** A list or tuple. */
    public static List<?> list(Object o, String where) throws IOException {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IOException(where + ": expected a list, found " + typeName(o));
    }

    /** A list/tuple of ints or a one-dimensional integer numpy array, as int[]. */
    public static int[] ints(Object o, String where) throws IOException {
        if (o instanceof NpyArray a) {
            if (a.isFloat()) {
                throw new IOException(where + ": expected integers, found a " + a.type().numpyName() + " array");
            }
            if (a.shape().length > 1) {
                throw new IOException(where + ": expected a one-dimensional array, found shape "
                        + Arrays.toString(a.shape()));
            }
            try {
                return a.toInts(where);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        List<?> l = list(o, where);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = l.get(i);
            if (!(v instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                throw new IOException(where + ": element " + i + " is " + typeName(v) + " " + brief(v)
                        + ", expected an int");
            }
            out[i] = (int) (long) n;
        }
        return out;
    }

    /** A list/tuple of numbers or a one-dimensional numeric numpy array, as double[]. */
    public static double[] doubles(Object o, String where) throws IOException {
        if (o instanceof NpyArray a) {
            if (a.shape().length > 1) {
                throw new IOException(where + ": expected a one-dimensional array, found shape "
                        + Arrays.toString(a.shape()));
            }
            return a.toDoubles();
        }
        List<?> l = list(o, where);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = l.get(i);
            if (v instanceof Long n) {
                out[i] = n;
            } else if (v instanceof Double d) {
                out[i] = d;
            } else {
                throw new IOException(where + ": element " + i + " is " + typeName(v) + ", expected a number");
            }
        }
        return out;
    }

    /** A list/tuple of str, as strings. */
    public static List<String> strings(Object o, String where) throws IOException {
        List<?> l = list(o, where);
        List<String> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw new IOException(where + ": element " + i + " is " + typeName(l.get(i)) + ", expected a str");
            }
            out.add(s);
        }
        return out;
    }

    /** The Python type name of a decoded value, for messages. */
    public static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof ArrayList) {
            return "list";
        }
        if (o instanceof List) {
            return "tuple";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof NpyArray a) {
            return "numpy." + a.type().numpyName() + " array";
        }
        return o.getClass().getSimpleName();
    }

    /**
     * A short, printable rendering of a decoded value for error messages: at most a few elements per container
     * and two levels deep, so a huge, deeply nested or self-containing structure never floods the terminal or
     * recurses without end.
     */
    public static String brief(Object o) {
        StringBuilder out = new StringBuilder();
        brief(o, 0, out);
        return Printable.of(out.toString(), 200);
    }

    private static void brief(Object o, int depth, StringBuilder out) {
        if (o instanceof java.util.Collection<?> c) {
            boolean tuple = o instanceof List<?> && !(o instanceof ArrayList<?>);
            out.append(tuple ? '(' : '[');
            if (depth >= 2 && !c.isEmpty()) {
                out.append("...");
            } else {
                int i = 0;
                for (Object x : c) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    if (i++ == 8) {
                        out.append("... ").append(c.size() - 8).append(" more");
                        break;
                    }
                    brief(x, depth + 1, out);
                }
            }
            out.append(tuple ? ')' : ']');
        } else if (o instanceof Map<?, ?> m) {
            out.append(m.isEmpty() ? "{}" : depth >= 2 ? "{...}" : "{" + m.size() + " entries}");
        } else if (o instanceof String str) {
            out.append('\'').append(str.length() > 40 ? str.substring(0, 40) + "..." : str).append('\'');
        } else if (o instanceof byte[] b) {
            out.append("<").append(b.length).append(" bytes>");
        } else if (o instanceof BigInteger || o instanceof Long || o instanceof Double || o instanceof Boolean
                || o == null || o instanceof NpyArray) {
            String v = o instanceof NpyArray ? typeName(o) : String.valueOf(o == null ? "None" : o);
            out.append(v.length() > 40 ? v.substring(0, 40) + "..." : v);
        } else {
            out.append(typeName(o));
        }
    }

    // ------------------------------------------------------------------ the virtual machine

    /** A global the stream referred to (only the whitelisted ones can be called). */
    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }

        GlobalRef ref() {
            return new GlobalRef(module, name);
        }
    }

    /** numpy.dtype(...) before and after its BUILD (which sets the byte order). */
    private static final class Dtype {
        final String code;
        char order = '=';

        Dtype(String code) {
            this.code = code;
        }
    }

    /** An ndarray made by _reconstruct, waiting for its BUILD state. */
    private static final class PendingArray {
        NpyArray value;
    }

    private static final class Machine {
        /** Containers nested deeper than this are refused (Python's own recursion limit is 1000 as well). */
        private static final int MAX_NESTING = 1000;
        /** Python refuses to convert ints of more digits from text (sys.get_int_max_str_digits). */
        private static final int MAX_INT_DIGITS = 4300;
        private final byte[] b;
        private final String source;
        private int pos;
        private int opPos;
        private final ArrayList<Object> stack = new ArrayList<>();
        private final ArrayList<Integer> marks = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();
        private final Extension extension;

        Machine(byte[] b, int offset, String source, Extension extension) {
            this.b = b;
            this.pos = offset;
            this.source = source;
            this.extension = extension;
        }

        private IOException error(String what) {
            return new IOException(source + ": pickle byte " + opPos + ": " + Printable.of(what, 300));
        }

        Object run() throws IOException {
            while (true) {
                if (pos >= b.length) {
                    throw error("the stream ends without a STOP opcode (truncated file?)");
                }
                opPos = pos;
                int op = b[pos++] & 0xff;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int proto = u8();
                        if (proto > 5) {
                            throw error("pickle protocol " + proto + " is newer than this reader (0 to 5)");
                        }
                    }
                    case 0x95 -> u64(); // FRAME: a length prefix only; the frame's bytes follow inline.
                    case '.' -> { // STOP
                        Object result = pop();
                        return resolve(result);
                    }
                    case '(' -> marks.add(stack.size()); // MARK
                    case '}' -> stack.add(new LinkedHashMap<>());
                    case ']' -> stack.add(new ArrayList<>());
                    case ')' -> stack.add(List.of());
                    case 'N' -> stack.add(null);
                    case 0x88 -> stack.add(Boolean.TRUE);
                    case 0x89 -> stack.add(Boolean.FALSE);
                    case 'J' -> stack.add((long) le32());
                    case 'K' -> stack.add((long) u8());
                    case 'M' -> stack.add((long) (u8() | (u8() << 8)));
                    case 0x8a -> stack.add(longFromBytes(take(u8())));
                    case 0x8b -> stack.add(longFromBytes(take(length(le32()))));
                    case 'I' -> stack.add(textInt(line()));
                    case 'L' -> stack.add(textLong(line()));
                    case 'F' -> stack.add(textFloat(line()));
                    case 'G' -> stack.add(ByteBuffer.wrap(take(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                    case 'X' -> stack.add(utf8(take(length(le32()))));
                    case 0x8c -> stack.add(utf8(take(u8())));
                    case 0x8d -> stack.add(utf8(take(length(u64()))));
                    case 'V' -> stack.add(rawUnicode(line()));
                    case 'U' -> stack.add(latin1(take(u8())));
                    case 'T' -> stack.add(latin1(take(length(le32()))));
                    case 'S' -> stack.add(pythonStringLiteral(line()));
                    case 'C' -> stack.add(take(u8()));
                    case 'B' -> stack.add(take(length(le32())));
                    case 0x8e -> stack.add(take(length(u64())));
                    case 0x96 -> stack.add(take(length(u64()))); // BYTEARRAY8 (read as bytes)
                    case 't' -> stack.add(Collections.unmodifiableList(new ArrayList<>(popMark())));
                    case 0x85 -> stack.add(tupleOf(1));
                    case 0x86 -> stack.add(tupleOf(2));
                    case 0x87 -> stack.add(tupleOf(3));
                    case 'l' -> stack.add(new ArrayList<>(popMark()));
                    case 'd' -> stack.add(dictOf(popMark()));
                    case 'a' -> {
                        Object v = pop();
                        listTop("APPEND").add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popMark();
                        listTop("APPENDS").addAll(items);
                    }
                    case 's' -> {
                        Object v = pop();
                        Object k = pop();
                        dictTop("SETITEM").put(key(k), v);
                    }
                    case 'u' -> {
                        List<Object> items = popMark();
                        dictTop("SETITEMS").putAll(dictOf(items));
                    }
                    case 'q' -> memo.put((long) u8(), peek());
                    case 'r' -> memo.put(le32() & 0xffffffffL, peek());
                    case 'p' -> memo.put(textLong(line()).longValue(), peek());
                    case 0x94 -> memo.put((long) memo.size(), peek());
                    case 'h' -> stack.add(memoGet(u8()));
                    case 'j' -> stack.add(memoGet(le32() & 0xffffffffL));
                    case 'g' -> stack.add(memoGet(textLong(line()).longValue()));
                    case '0' -> pop(); // POP
                    case '2' -> stack.add(peek()); // DUP
                    case '1' -> popMark(); // POP_MARK
                    case 'c' -> {
                        String module = line();
                        String name = line();
                        stack.add(new Global(module, name));
                    }
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw error("STACK_GLOBAL needs two str, found " + typeName(module) + " and "
                                    + typeName(name));
                        }
                        stack.add(new Global(m, n));
                    }
                    case 'R' -> { // REDUCE
                        Object args = pop();
                        Object callable = pop();
                        stack.add(call(callable, args));
                    }
                    case 'b' -> { // BUILD
                        Object state = pop();
                        build(peek(), state);
                    }
                    case 'Q' -> stack.add(persistent(pop())); // BINPERSID
                    case 'P' -> stack.add(persistent(line())); // PERSID
                    default -> throw error(String.format("unsupported opcode 0x%02x%s; this reader handles plain data"
                            + " (dict, list, tuple, str, bytes, numbers, None, bool) and numpy int/float arrays",
                            op, op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : ""));
                }
            }
        }

        // -------------------------------------------------------------- calls (whitelist)

        private Object persistent(Object pid) throws IOException {
            if (extension == null) {
                throw error("the pickle refers to external data by persistent id " + describe(pid)
                        + " (a PyTorch file? read it with io.TorchCheckpoint)");
            }
            return extension.persistentLoad(exposeGlobals(pid));
        }

        /** Globals inside a persistent id or call arguments, as the public {@link GlobalRef}. */
        private Object exposeGlobals(Object o) {
            if (o instanceof Global g) {
                return g.ref();
            }
            if (o instanceof List<?> l && !(o instanceof ArrayList<?>)) {
                List<Object> copy = new ArrayList<>(l.size());
                for (Object x : l) {
                    copy.add(exposeGlobals(x));
                }
                return Collections.unmodifiableList(copy);
            }
            return o;
        }

        private Object call(Object callable, Object args) throws IOException {
            if (!(callable instanceof Global g)) {
                throw error("REDUCE on a " + typeName(callable) + ", not a global");
            }
            if (!(args instanceof List<?> a)) {
                throw error("REDUCE of " + g.qualified() + " with " + typeName(args) + " arguments, not a tuple");
            }
            String q = g.qualified();
            if (extension != null && q.equals("collections.OrderedDict")) {
                // OrderedDict() and OrderedDict([(k, v), ...]): an ordered dict, which is what LinkedHashMap is.
                Map<Object, Object> m = new LinkedHashMap<>();
                if (!a.isEmpty()) {
                    for (Object pair : list(a.get(0), source + ": OrderedDict items")) {
                        List<?> kv = list(pair, source + ": OrderedDict item");
                        if (kv.size() != 2) {
                            throw error("OrderedDict item of " + kv.size() + " values, expected (key, value)");
                        }
                        m.put(key(kv.get(0)), kv.get(1));
                    }
                }
                return m;
            }
            if (extension != null) {
                Object v = extension.call(g.ref(), (List<?>) exposeGlobals(a));
                if (v != UNHANDLED) {
                    return v;
                }
            }
            switch (q) {
                case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof Global cls) || !cls.name().equals("ndarray")) {
                        throw error(q + " of something other than numpy.ndarray (numpy subclasses such as"
                                + " masked arrays are not supported)");
                    }
                    return new PendingArray();
                }
                case "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer" -> {
                    // Protocol 5: numpy passes (buffer, dtype, shape, order) instead of BUILD state.
                    if (a.size() != 4 || !(a.get(0) instanceof byte[] raw) || !(a.get(1) instanceof Dtype dt)
                            || !(a.get(2) instanceof List<?> shapeList) || !(a.get(3) instanceof String order)) {
                        throw error(q + " with arguments other than (buffer, dtype, shape, order)");
                    }
                    if (!order.equals("C")) {
                        throw error("Fortran-ordered numpy arrays are not supported; pickle np.ascontiguousarray(a)");
                    }
                    PendingArray pa = new PendingArray();
                    pa.value = array(dt, shape(shapeList), raw);
                    return pa;
                }
                case "numpy.dtype" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof String code)) {
                        throw error("numpy.dtype called without a type code");
                    }
                    return new Dtype(code);
                }
                case "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar" -> {
                    if (a.size() != 2 || !(a.get(0) instanceof Dtype dt) || !(a.get(1) instanceof byte[] raw)) {
                        throw error(q + " with arguments other than (dtype, bytes)");
                    }
                    NpyArray one = array(dt, new int[0], raw);
                    return switch (one.type()) {
                        case F4, F8 -> one.toDoubles()[0];
                        case I4 -> (long) ((int[]) one.data())[0];
                        case I8 -> ((long[]) one.data())[0];
                    };
                }
                case "_codecs.encode" -> {
                    // Protocol 2 writes bytes as _codecs.encode(str, 'latin1').
                    if (a.isEmpty() || !(a.get(0) instanceof String s)) {
                        throw error("_codecs.encode without a str argument");
                    }
                    String enc = a.size() > 1 && a.get(1) instanceof String e ? e : "utf-8";
                    if (!enc.equalsIgnoreCase("latin1") && !enc.equalsIgnoreCase("latin-1")) {
                        throw error("_codecs.encode with encoding '" + enc + "' (only latin1 is supported)");
                    }
                    return s.getBytes(StandardCharsets.ISO_8859_1);
                }
                case "builtins.bytes", "__builtin__.bytes" -> {
                    if (!a.isEmpty()) {
                        throw error(q + " with arguments (only bytes() is supported)");
                    }
                    return new byte[0];
                }
                default -> throw error("the pickle calls " + q + ", which this reader does not support (it reads"
                        + " plain data and numpy int/float arrays only, and never runs other code)");
            }
        }

        private void build(Object target, Object state) throws IOException {
            if (target instanceof Dtype dt) {
                // numpy dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags)
                if (!(state instanceof List<?> s) || s.size() < 2 || !(s.get(1) instanceof String order)
                        || order.length() != 1) {
                    throw error("unexpected numpy.dtype state " + describe(state));
                }
                if (s.size() > 3 && s.get(3) != null) {
                    throw error("structured numpy dtypes (with field names) are not supported");
                }
                dt.order = order.charAt(0);
                return;
            }
            if (target instanceof PendingArray pa) {
                // ndarray state: (version, shape, dtype, is_fortran, data)
                if (!(state instanceof List<?> s) || s.size() != 5 || !(s.get(1) instanceof List<?> shapeList)
                        || !(s.get(2) instanceof Dtype dt)) {
                    throw error("unexpected numpy.ndarray state " + describe(state));
                }
                if (Boolean.TRUE.equals(s.get(3))) {
                    throw error("Fortran-ordered numpy arrays are not supported; pickle np.ascontiguousarray(a)");
                }
                if (!(s.get(4) instanceof byte[] raw)) {
                    throw error("numpy array of dtype '" + dt.code + "' stored as " + typeName(s.get(4))
                            + " (object arrays are not supported; use int or float arrays)");
                }
                pa.value = array(dt, shape(shapeList), raw);
                return;
            }
            if (extension != null && target instanceof Map<?, ?> && (state instanceof Map<?, ?> || state == null)) {
                // A dict subclass's instance attributes (an OrderedDict state dict's _metadata): not data.
                return;
            }
            throw error("BUILD of a " + typeName(target) + " (objects with state are not supported)");
        }

        private int[] shape(List<?> shapeList) throws IOException {
            int[] shape = new int[shapeList.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                    throw error("bad numpy shape " + brief(shapeList));
                }
                shape[i] = (int) (long) n;
            }
            return shape;
        }

        private NpyArray array(Dtype dt, int[] shape, byte[] raw) throws IOException {
            String code = dt.code;
            char kind = code.isEmpty() ? '?' : code.charAt(0);
            int size;
            try {
                size = Integer.parseInt(code.substring(1));
            } catch (RuntimeException e) {
                throw error("unsupported numpy dtype '" + code + "'");
            }
            if (size < 1 || size > 16) {
                throw error("unsupported numpy dtype '" + code + "'");
            }
            // The product is compared with the bytes actually present, dimension by dimension, so it cannot overflow.
            long n = 1;
            boolean tooBig = false;
            for (int d : shape) {
                if (d == 0) {
                    n = 0;
                    tooBig = false;
                    break;
                }
                tooBig |= n > raw.length / d;
                n = tooBig ? n : n * d;
            }
            if (tooBig || raw.length != n * size) {
                throw error("numpy array of shape " + Arrays.toString(shape) + " and dtype '" + code + "' does not fit"
                        + " the " + raw.length + " bytes the pickle holds");
            }
            ByteBuffer buf = ByteBuffer.wrap(raw).order(dt.order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            int count = (int) n;
            switch (kind) {
                case 'f' -> {
                    if (size == 4) {
                        float[] f = new float[count];
                        buf.asFloatBuffer().get(f);
                        return NpyArray.of(f, shape);
                    }
                    if (size == 8) {
                        double[] d = new double[count];
                        buf.asDoubleBuffer().get(d);
                        return NpyArray.of(d, shape);
                    }
                }
                case 'i', 'u' -> {
                    boolean unsigned = kind == 'u';
                    if (size == 8) {
                        long[] v = new long[count];
                        buf.asLongBuffer().get(v);
                        if (unsigned) {
                            for (int i = 0; i < count; i++) {
                                if (v[i] < 0) {
                                    throw error("uint64 value at index " + i + " exceeds the int64 range");
                                }
                            }
                        }
                        return NpyArray.of(v, shape);
                    }
                    if (size == 1 || size == 2 || size == 4) {
                        long[] v = new long[count];
                        boolean fitsInt = true;
                        for (int i = 0; i < count; i++) {
                            long x = switch (size) {
                                case 1 -> unsigned ? buf.get() & 0xffL : buf.get();
                                case 2 -> unsigned ? buf.getShort() & 0xffffL : buf.getShort();
                                default -> unsigned ? buf.getInt() & 0xffffffffL : buf.getInt();
                            };
                            v[i] = x;
                            fitsInt &= x <= Integer.MAX_VALUE;
                        }
                        if (!fitsInt) {
                            return NpyArray.of(v, shape);
                        }
                        int[] iv = new int[count];
                        for (int i = 0; i < count; i++) {
                            iv[i] = (int) v[i];
                        }
                        return NpyArray.of(iv, shape);
                    }
                }
                case 'b' -> {
                    if (size == 1) {
                        int[] iv = new int[count];
                        for (int i = 0; i < count; i++) {
                            iv[i] = buf.get() != 0 ? 1 : 0;
                        }
                        return NpyArray.of(iv, shape);
                    }
                }
                default -> {
                }
            }
            throw error("unsupported numpy dtype '" + code + "' (supported: signed and unsigned integers, bool,"
                    + " float32, float64)");
        }

        /** Replaces finished numpy arrays by their values, throughout the object graph. */
        private Object resolve(Object o) throws IOException {
            return resolve(o, new java.util.IdentityHashMap<>(), 0);
        }

        private Object resolve(Object o, java.util.IdentityHashMap<Object, Object> done, int depth) throws IOException {
            if (depth > MAX_NESTING) {
                throw error("the data nests containers deeper than " + MAX_NESTING + " levels");
            }
            if (o instanceof PendingArray pa) {
                if (pa.value == null) {
                    throw error("a numpy array was never given its state (BUILD missing)");
                }
                return pa.value;
            }
            if (o instanceof Dtype || o instanceof Global) {
                throw error("the pickle's data contains a bare " + (o instanceof Dtype ? "numpy dtype" : "global")
                        + ", which this reader does not return");
            }
            if (done.containsKey(o)) {
                return done.get(o);
            }
            if (o instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> mm = (Map<Object, Object>) m;
                done.put(o, o);
                for (Map.Entry<Object, Object> e : mm.entrySet()) {
                    e.setValue(resolve(e.getValue(), done, depth + 1));
                }
                return o;
            }
            if (o instanceof ArrayList<?> l) {
                @SuppressWarnings("unchecked")
                ArrayList<Object> ll = (ArrayList<Object>) l;
                done.put(o, o);
                for (int i = 0; i < ll.size(); i++) {
                    ll.set(i, resolve(ll.get(i), done, depth + 1));
                }
                return o;
            }
            if (o instanceof List<?> t) {
                List<Object> copy = new ArrayList<>(t.size());
                for (Object x : t) {
                    copy.add(resolve(x, done, depth + 1));
                }
                List<Object> tuple = Collections.unmodifiableList(copy);
                done.put(o, tuple);
                return tuple;
            }
            return o;
        }

        // -------------------------------------------------------------- stack and reading

        private Object pop() throws IOException {
            if (stack.isEmpty()) {
                throw error("stack underflow (corrupt pickle)");
            }
            int top = stack.size() - 1;
            if (!marks.isEmpty() && marks.get(marks.size() - 1) > top) {
                throw error("pop across a MARK (corrupt pickle)");
            }
            return stack.remove(top);
        }

        private Object peek() throws IOException {
            if (stack.isEmpty()) {
                throw error("stack underflow (corrupt pickle)");
            }
            return stack.get(stack.size() - 1);
        }

        private List<Object> popMark() throws IOException {
            if (marks.isEmpty()) {
                throw error("no MARK to pop to (corrupt pickle)");
            }
            int m = marks.remove(marks.size() - 1);
            List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
            stack.subList(m, stack.size()).clear();
            return items;
        }

        private List<Object> tupleOf(int n) throws IOException {
            Object[] items = new Object[n];
            for (int i = n - 1; i >= 0; i--) {
                items[i] = pop();
            }
            return Collections.unmodifiableList(Arrays.asList(items));
        }

        @SuppressWarnings("unchecked")
        private List<Object> listTop(String op) throws IOException {
            Object top = peek();
            if (top instanceof ArrayList<?> l) {
                return (List<Object>) l;
            }
            throw error(op + " onto a " + typeName(top) + ", not a list");
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dictTop(String op) throws IOException {
            Object top = peek();
            if (top instanceof Map<?, ?> m) {
                return (Map<Object, Object>) m;
            }
            throw error(op + " onto a " + typeName(top) + ", not a dict");
        }

        private Map<Object, Object> dictOf(List<Object> items) throws IOException {
            if (items.size() % 2 != 0) {
                throw error("odd number of items for a dict (corrupt pickle)");
            }
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i += 2) {
                m.put(key(items.get(i)), items.get(i + 1));
            }
            return m;
        }

        private Object key(Object k) throws IOException {
            requireHashable(k, 0);
            return k;
        }

        /**
         * Python's rule for dict keys (no list or dict, also not inside a tuple), checked before Java hashes the
         * key: hashing a tuple that holds a list which holds itself would otherwise never end.
         */
        private void requireHashable(Object k, int depth) throws IOException {
            if (depth > MAX_NESTING) {
                throw error("a dict key nests tuples deeper than " + MAX_NESTING + " levels");
            }
            if (k instanceof List<?> t && !(k instanceof ArrayList<?>)) {
                for (Object x : t) {
                    requireHashable(x, depth + 1);
                }
                return;
            }
            if (!(k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double
                    || k instanceof BigInteger)) {
                throw error("dict key of type " + typeName(k) + " is not supported");
            }
        }

        private Object memoGet(long index) throws IOException {
            if (!memo.containsKey(index)) {
                throw error("memo entry " + index + " was never stored (corrupt pickle)");
            }
            return memo.get(index);
        }

        private int u8() throws IOException {
            need(1);
            return b[pos++] & 0xff;
        }

        private int le32() throws IOException {
            need(4);
            int v = ByteBuffer.wrap(b, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            pos += 4;
            return v;
        }

        private long u64() throws IOException {
            need(8);
            long v = ByteBuffer.wrap(b, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            pos += 8;
            return v;
        }

        private int length(long n) throws IOException {
            if (n < 0 || n > b.length - pos) {
                throw error("a length of " + n + " bytes runs past the end of the file (truncated or corrupt)");
            }
            return (int) n;
        }

        private byte[] take(int n) throws IOException {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        private void need(int n) throws IOException {
            if (n < 0 || pos + n > b.length) {
                throw error("the file ends inside an opcode's argument (truncated file)");
            }
        }

        private String line() throws IOException {
            int start = pos;
            while (pos < b.length && b[pos] != '\n') {
                pos++;
            }
            if (pos >= b.length) {
                throw error("the file ends inside a text argument (truncated file)");
            }
            String s = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            pos++;
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        private Object textInt(String s) throws IOException {
            if (s.equals("00")) {
                return Boolean.FALSE;
            }
            if (s.equals("01")) {
                return Boolean.TRUE;
            }
            Number n = textLong(s);
            return n;
        }

        private Number textLong(String s) throws IOException {
            String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
            if (t.length() > MAX_INT_DIGITS) {
                throw error("an int literal of " + t.length() + " characters (Python reads at most "
                        + MAX_INT_DIGITS + " digits)");
            }
            try {
                BigInteger v = new BigInteger(t.strip());
                return v.bitLength() < 64 ? (Number) v.longValue() : v;
            } catch (NumberFormatException e) {
                throw error("bad integer literal '" + Printable.of(s) + "'");
            }
        }

        private Double textFloat(String s) throws IOException {
            try {
                String t = s.strip();
                switch (t) {
                    case "inf", "+inf" -> {
                        return Double.POSITIVE_INFINITY;
                    }
                    case "-inf" -> {
                        return Double.NEGATIVE_INFINITY;
                    }
                    case "nan", "-nan", "+nan" -> {
                        return Double.NaN;
                    }
                    default -> {
                    }
                }
                if (t.length() > 400 || t.matches(".*[xXpPfFdD].*")) {
                    throw new NumberFormatException(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw error("bad float literal '" + Printable.of(s) + "'");
            }
        }

        private static Number longFromBytes(byte[] le) {
            if (le.length == 0) {
                return 0L;
            }
            byte[] be = new byte[le.length];
            for (int i = 0; i < le.length; i++) {
                be[i] = le[le.length - 1 - i];
            }
            BigInteger v = new BigInteger(be);
            return v.bitLength() < 64 ? (Number) v.longValue() : v;
        }

        private String utf8(byte[] raw) {
            return new String(raw, StandardCharsets.UTF_8);
        }

        private static String latin1(byte[] raw) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }

        private String rawUnicode(String s) throws IOException {
            // raw-unicode-escape: only \\uXXXX and \\UXXXXXXXX are escapes.
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                    int len = s.charAt(i + 1) == 'u' ? 4 : 8;
                    if (i + 2 + len > s.length()) {
                        throw error("bad escape in unicode literal");
                    }
                    int cp = 0;
                    for (int j = i + 2; j < i + 2 + len; j++) {
                        int digit = Character.digit(s.charAt(j), 16);
                        if (digit < 0) {
                            throw error("bad escape in unicode literal (not hexadecimal)");
                        }
                        cp = cp * 16 + digit;
                    }
                    if (cp < 0 || !Character.isValidCodePoint(cp)) {
                        throw error("bad escape in unicode literal (beyond Unicode)");
                    }
                    out.appendCodePoint(cp);
                    i += 1 + len;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private String pythonStringLiteral(String s) throws IOException {
            String t = s.strip();
            if (t.length() < 2 || (t.charAt(0) != '\'' && t.charAt(0) != '"') || t.charAt(t.length() - 1) != t.charAt(0)) {
                throw error("bad string literal " + Printable.of(s));
            }
            String body = t.substring(1, t.length() - 1);
            if (body.indexOf('\\') >= 0) {
                throw error("escaped protocol-0 string literals are not supported");
            }
            return body;
        }

        private static String describe(Object state) {
            String s = String.valueOf(state instanceof List<?> l ? "tuple of " + l.size() : typeName(state));
            return "(" + s + ")";
        }
    }
}
