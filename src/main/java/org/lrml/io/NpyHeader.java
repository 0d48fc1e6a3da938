package org.lrml.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header of an .npy file, read the way numpy reads it ({@code numpy.lib.format._read_array_header}): the text
 * is a Python literal ({@code ast.literal_eval}) that must be a dict with exactly the keys {@code descr},
 * {@code fortran_order} and {@code shape}; shape a tuple of ints, fortran_order a bool, descr a dtype string. A
 * repeated key keeps its last value, as in Python, so a file reads as the same array here and in numpy; a header
 * numpy refuses is refused here (a few exotic literals numpy would take, such as floats written as {@code 1e3},
 * are refused too, never read differently). Headers longer than numpy's default limit of 10000 characters are
 * refused, as {@code np.load} refuses them.
 */
final class NpyHeader {
    /** numpy's {@code _MAX_HEADER_SIZE}: np.load refuses longer headers unless told to trust the file. */
    static final int MAX_LENGTH = 10000;
    private static final int MAX_NESTING = 32;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    final NpyArray.Type type;
    final ByteOrder order;
    final int[] shape;

    private NpyHeader(NpyArray.Type type, ByteOrder order, int[] shape) {
        this.type = type;
        this.order = order;
        this.shape = shape;
    }

    /** Parses the decoded header text of a version-{@code major} file; errors name {@code file}. */
    static NpyHeader parse(String header, int major, String file) throws IOException {
        if (header.length() > MAX_LENGTH) {
            throw new IOException(file + ": corrupt header: " + header.length() + " characters, more than numpy's limit"
                    + " of " + MAX_LENGTH + " (np.load refuses it too)");
        }
        Object value;
        try {
            value = new Literal(header, major <= 2).parseWhole();
        } catch (SyntaxError e) {
            throw new IOException(file + ": corrupt header (not a Python literal: " + e.getMessage() + "): "
                    + Printable.of(header.strip()));
        }
        if (!(value instanceof Map<?, ?> dict)) {
            throw new IOException(file + ": corrupt header (not a dict): " + Printable.of(header.strip()));
        }
        if (!dict.keySet().equals(KEYS)) {
            List<String> keys = new ArrayList<>();
            dict.keySet().forEach(k -> keys.add(Printable.of(String.valueOf(k))));
            throw new IOException(file + ": corrupt header: its keys are " + keys + ", numpy needs exactly 'descr',"
                    + " 'fortran_order' and 'shape'");
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean f)) {
            throw new IOException(file + ": corrupt header: fortran_order is " + describe(fortran) + ", not a bool");
        }
        int[] shape = shape(dict.get("shape"), file);
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new IOException(file + ": unsupported dtype " + describe(descr) + " (structured and sub-array dtypes"
                    + " are not supported; supported: float32, float64, int32, int64)");
        }
        if (f) {
            throw new IOException(file + ": Fortran-order arrays are not supported; save with np.ascontiguousarray(a)");
        }
        return dtype(d, shape, file);
    }

    private static int[] shape(Object value, String file) throws IOException {
        if (!(value instanceof Tuple t)) {
            throw new IOException(file + ": corrupt header: shape is " + describe(value) + ", not a tuple of ints");
        }
        int[] shape = new int[t.items.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = t.items.get(i);
            if (!(d instanceof BigInteger v)) {
                throw new IOException(file + ": corrupt header: shape entry " + i + " is " + describe(d) + ", not an int");
            }
            if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
                throw new IOException(file + ": corrupt header: shape dimension " + Printable.of(v.toString())
                        + " is out of range (0 to " + Integer.MAX_VALUE + ")");
            }
            shape[i] = v.intValue();
        }
        return shape;
    }

    /** The dtype of a descr string such as '<f4'; known numpy types the engine does not hold are named. */
    private static NpyHeader dtype(String descr, int[] shape, String file) throws IOException {
        String code = descr;
        ByteOrder order = ByteOrder.nativeOrder();
        if (!code.isEmpty() && "<>=|".indexOf(code.charAt(0)) >= 0) {
            order = switch (code.charAt(0)) {
                case '<' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> ByteOrder.nativeOrder();
            };
            code = code.substring(1);
        }
        for (NpyArray.Type t : NpyArray.Type.values()) {
            if (t.code.equals(code)) {
                return new NpyHeader(t, order, shape);
            }
        }
        String known = switch (code) {
            case "b1", "?" -> "bool";
            case "i1", "b" -> "int8";
            case "u1", "B" -> "uint8";
            case "i2", "h" -> "int16";
            case "u2", "H" -> "uint16";
            case "u4", "I" -> "uint32";
            case "u8", "Q", "L" -> "uint64";
            case "f2", "e" -> "float16";
            case "c8", "F" -> "complex64";
            case "c16", "D" -> "complex128";
            case "O" -> "object";
            default -> code.startsWith("S") || code.startsWith("a") ? "bytes"
                    : code.startsWith("U") ? "str" : code.startsWith("V") ? "void" : null;
        };
        throw new IOException(file + ": unsupported dtype '" + Printable.of(descr) + "'" + (known == null ? "" : " ("
                + known + ")") + "; supported: float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8' (either byte"
                + " order); convert with a.astype(np.float32) or a.astype(np.int64)");
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "the str '" + Printable.of(s) + "'";
        }
        if (v instanceof Tuple t) {
            return "a tuple of " + t.items.size();
        }
        if (v instanceof List<?> l) {
            return "a list of " + l.size();
        }
        if (v instanceof Map<?, ?>) {
            return "a dict";
        }
        if (v == Literal.NONE) {
            return "None";
        }
        return Printable.of(String.valueOf(v));
    }

    /** A Python tuple (a List would be a Python list). */
    private record Tuple(List<Object> items) {
    }

    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A recursive-descent reader of the Python literals {@code ast.literal_eval} accepts that can appear in a
     * header: dicts, tuples, lists, sets, str (with escapes and implicit concatenation), ints (with a Python 2 'L'
     * suffix in format versions 1 and 2, as numpy's {@code _filter_header} allows), True, False, None, and floats
     * (read only so that a float shape is refused as numpy refuses it). Comments and line continuations count as
     * space.
     */
    private static final class Literal {
        static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };
        private final String s;
        private final boolean longSuffix;
        private int pos;
        private int depth;

        Literal(String s, boolean longSuffix) {
            this.s = s;
            this.longSuffix = longSuffix;
        }

        Object parseWhole() throws SyntaxError {
            Object v = value();
            space();
            if (pos < s.length()) {
                throw error("unexpected '" + Printable.of(String.valueOf(s.charAt(pos))) + "' after the value");
            }
            return v;
        }

        private SyntaxError error(String what) {
            return new SyntaxError(what + " at character " + pos);
        }

        private void space() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                    pos++;
                } else if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n') {
                        pos++;
                    }
                } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                    pos += 2;
                } else {
                    return;
                }
            }
        }

        private boolean eat(char c) {
            space();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private Object value() throws SyntaxError {
            space();
            if (pos >= s.length()) {
                throw error("the text ends where a value should be");
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '(' || c == '[') {
                if (++depth > MAX_NESTING) {
                    throw error("nested deeper than " + MAX_NESTING);
                }
                pos++;
                Object v = c == '{' ? braces() : c == '(' ? parens() : list();
                depth--;
                return v;
            }
            if (c == '\'' || c == '"') {
                StringBuilder out = new StringBuilder();
                do {
                    string(out);
                    space();
                } while (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"'));
                return out.toString();
            }
            if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == '.') {
                return number();
            }
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                    pos++;
                }
                String name = s.substring(start, pos);
                return switch (name) {
                    case "True" -> Boolean.TRUE;
                    case "False" -> Boolean.FALSE;
                    case "None" -> NONE;
                    default -> {
                        pos = start;
                        throw error("the name '" + Printable.of(name, 20) + "' (only True, False and None are literals)");
                    }
                };
            }
            throw error("unexpected '" + Printable.of(String.valueOf(c)) + "'");
        }

        /** A dict, or a set; the opening brace is consumed. */
        private Object braces() throws SyntaxError {
            if (eat('}')) {
                return new LinkedHashMap<>();
            }
            Object first = value();
            if (eat(':')) {
                Map<Object, Object> dict = new LinkedHashMap<>();
                dict.put(hashable(first), value());
                while (eat(',')) {
                    if (eat('}')) {
                        return dict;
                    }
                    Object key = hashable(value());
                    if (!eat(':')) {
                        throw error("a dict entry without ':'");
                    }
                    dict.put(key, value());
                }
                if (!eat('}')) {
                    throw error("a dict without its closing '}'");
                }
                return dict;
            }
            Set<Object> set = new LinkedHashSet<>();
            set.add(hashable(first));
            while (eat(',')) {
                if (eat('}')) {
                    return set;
                }
                set.add(hashable(value()));
            }
            if (!eat('}')) {
                throw error("a set without its closing '}'");
            }
            return set;
        }

        private Object hashable(Object key) throws SyntaxError {
            if (key instanceof Map || key instanceof Set || key instanceof List) {
                throw error("an unhashable dict key");
            }
            return key;
        }

        /** A tuple, or a parenthesised value; the opening parenthesis is consumed. */
        private Object parens() throws SyntaxError {
            if (eat(')')) {
                return new Tuple(List.of());
            }
            Object first = value();
            if (eat(')')) {
                return first;
            }
            List<Object> items = new ArrayList<>();
            items.add(first);
            while (eat(',')) {
                if (eat(')')) {
                    return new Tuple(items);
                }
                items.add(value());
            }
            if (!eat(')')) {
                throw error("a tuple without its closing ')'");
            }
            return new Tuple(items);
        }

        private List<Object> list() throws SyntaxError {
            List<Object> items = new ArrayList<>();
            if (eat(']')) {
                return items;
            }
            items.add(value());
            while (eat(',')) {
                if (eat(']')) {
                    return items;
                }
                items.add(value());
            }
            if (!eat(']')) {
                throw error("a list without its closing ']'");
            }
            return items;
        }

        private void string(StringBuilder out) throws SyntaxError {
            char quote = s.charAt(pos++);
            if (s.startsWith(String.valueOf(quote).repeat(2), pos)) {
                throw error("triple-quoted strings are not read in headers");
            }
            while (true) {
                if (pos >= s.length() || s.charAt(pos) == '\n') {
                    throw error("an unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == quote) {
                    return;
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("an unterminated string");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '\n' -> { }
                    case '\\', '\'', '"' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'a' -> out.append('\u0007');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case 'x' -> out.append((char) hex(2));
                    case 'u' -> out.append((char) hex(4));
                    case 'U' -> {
                        int cp = hex(8);
                        if (!Character.isValidCodePoint(cp)) {
                            throw error("an escape \\U beyond Unicode");
                        }
                        out.appendCodePoint(cp);
                    }
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int v = e - '0';
                            for (int i = 0; i < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7'; i++) {
                                v = v * 8 + (s.charAt(pos++) - '0');
                            }
                            out.append((char) v);
                        } else {
                            out.append('\\').append(e);
                        }
                    }
                }
            }
        }

        private int hex(int digits) throws SyntaxError {
            if (pos + digits > s.length()) {
                throw error("a truncated escape");
            }
            int v = 0;
            for (int i = 0; i < digits; i++) {
                int d = Character.digit(s.charAt(pos++), 16);
                if (d < 0) {
                    throw error("a bad hex escape");
                }
                v = v * 16 + d;
            }
            return v;
        }

        /** An int as BigInteger (any size, so range errors can say what was written), or a Double. */
        private Object number() throws SyntaxError {
            boolean negative = false;
            if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
                negative = s.charAt(pos++) == '-';
                space();
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
                    || s.charAt(pos) == '.' || ((s.charAt(pos) == '-' || s.charAt(pos) == '+')
                    && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
                pos++;
            }
            String t = s.substring(start, pos);
            if (longSuffix && (t.endsWith("L") || t.endsWith("l")) && t.length() > 1) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.isEmpty() || t.startsWith("_") || t.endsWith("_") || t.contains("__")) {
                throw error("a malformed number '" + Printable.of(t, 20) + "'");
            }
            String digits = t.replace("_", "");
            String lower = digits.toLowerCase(Locale.ROOT);
            try {
                BigInteger v;
                if (lower.startsWith("0x")) {
                    v = new BigInteger(digits.substring(2), 16);
                } else if (lower.startsWith("0o")) {
                    v = new BigInteger(digits.substring(2), 8);
                } else if (lower.startsWith("0b")) {
                    v = new BigInteger(digits.substring(2), 2);
                } else if (digits.chars().allMatch(Character::isDigit)) {
                    if (digits.length() > 1 && digits.charAt(0) == '0' && !digits.chars().allMatch(ch -> ch == '0')) {
                        throw error("a decimal int with a leading zero '" + Printable.of(t, 20) + "'");
                    }
                    if (digits.length() > 4300) {
                        throw error("an int of more than 4300 digits (Python refuses it too)");
                    }
                    v = new BigInteger(digits);
                } else {
                    if (lower.endsWith("j") || lower.contains("x") || lower.contains("o") || lower.contains("b")
                            || lower.contains("n") || lower.contains("i")) {
                        throw error("a malformed number '" + Printable.of(t, 20) + "'");
                    }
                    double d = Double.parseDouble(digits);
                    return negative ? -d : d;
                }
                if (v.signum() < 0) {
                    throw error("a malformed number '" + Printable.of(t, 20) + "'");
                }
                return negative ? v.negate() : v;
            } catch (NumberFormatException e) {
                throw error("a malformed number '" + Printable.of(t, 20) + "'");
            }
        }
    }
}
