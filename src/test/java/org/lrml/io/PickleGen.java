package org.lrml.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Pickles for the property test, written opcode by opcode: random value trees in protocols 2 to 5 (dicts, lists,
 * tuples, ints of every width, floats, str, bytes, None, bools, memo puts and gets, numpy arrays as numpy pickles
 * them, revisited-Oxford ground-truth dicts), and soups of random opcodes with plausible arguments.
 */
final class PickleGen {
    private final Random rng;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int memo;

    private PickleGen(Random rng) {
        this.rng = rng;
    }

    static byte[] valueTree(Random rng) {
        PickleGen g = new PickleGen(rng);
        g.out.write(0x80);
        g.out.write(2 + rng.nextInt(4));
        if (rng.nextInt(4) == 0) {
            g.groundTruth();
        } else {
            g.value(0);
        }
        g.out.write('.');
        return g.out.toByteArray();
    }

    static byte[] opcodeSoup(Random rng) {
        PickleGen g = new PickleGen(rng);
        String ops = "(}])N\u0088\u0089JKM\u008aIFGX\u008cVSCB\u0085\u0086\u0087tlda"
                + "esu\u0094qrhjp0g21c\u0093Rb\u0095\u0080.";
        int n = 1 + rng.nextInt(40);
        for (int i = 0; i < n; i++) {
            char op = ops.charAt(rng.nextInt(ops.length()));
            g.out.write(op);
            switch (op) {
                case 'J', 'r', 'j' -> g.le32(rng.nextInt(3) == 0 ? rng.nextInt() : rng.nextInt(8));
                case 'K', 'q', 'h', '\u0080' -> g.out.write(rng.nextInt(8));
                case 'M' -> g.le16(rng.nextInt(65536));
                case '\u008a' -> g.bytes(rng.nextInt(10));
                case 'I', 'p', 'g' -> g.line(Integer.toString(rng.nextInt(10) - 2));
                case 'F' -> g.line(rng.nextBoolean() ? "1.5" : "nan");
                case 'G' -> g.out.writeBytes(new byte[8]);
                case 'X' -> g.utf8Long(g.word());
                case '\u008c' -> g.utf8Short(g.word());
                case 'V' -> g.line(g.word());
                case 'S' -> g.line("'" + g.word() + "'");
                case 'C' -> g.bytes(rng.nextInt(8));
                case 'B' -> {
                    g.le32(4);
                    g.out.writeBytes(new byte[4]);
                }
                case 'c' -> {
                    g.line(rng.nextBoolean() ? "numpy" : "builtins");
                    g.line(rng.nextBoolean() ? "dtype" : "bytes");
                }
                case '\u0095' -> g.out.writeBytes(new byte[8]);
                default -> {
                }
            }
        }
        if (rng.nextBoolean()) {
            g.out.write('.');
        }
        return g.out.toByteArray();
    }

    private String word() {
        String[] words = {"imlist", "qimlist", "gnd", "bbx", "easy", "hard", "junk", "f4", "<f8", "i8", "u1", "C",
                "all_souls_000013", "\u00e9t\u00e9", "\u001b[1m", ""};
        return words[rng.nextInt(words.length)];
    }

    private void value(int depth) {
        int kind = depth > 4 ? rng.nextInt(8) : rng.nextInt(14);
        switch (kind) {
            case 0 -> out.write('N');
            case 1 -> out.write(rng.nextBoolean() ? 0x88 : 0x89);
            case 2 -> {
                out.write('K');
                out.write(rng.nextInt(256));
            }
            case 3 -> {
                out.write('J');
                le32(rng.nextInt());
            }
            case 4 -> {
                out.write(0x8a);
                bytes(1 + rng.nextInt(12));
            }
            case 5 -> {
                out.write('G');
                out.writeBytes(ByteBuffer.allocate(8).putDouble(rng.nextGaussian()).array());
            }
            case 6 -> {
                out.write(0x8c);
                utf8Short(word());
            }
            case 7 -> {
                out.write('C');
                bytes(rng.nextInt(8));
            }
            case 8, 9 -> {
                out.write(']');
                memoize();
                out.write('(');
                int n = rng.nextInt(5);
                for (int i = 0; i < n; i++) {
                    value(depth + 1);
                }
                out.write('e');
            }
            case 10 -> {
                out.write('(');
                int n = rng.nextInt(4);
                for (int i = 0; i < n; i++) {
                    value(depth + 1);
                }
                out.write('t');
            }
            case 11 -> {
                out.write('}');
                memoize();
                out.write('(');
                int n = rng.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.write(0x8c);
                    utf8Short(word());
                    value(depth + 1);
                }
                out.write('u');
            }
            case 12 -> numpyArray();
            default -> {
                if (memo > 0) {
                    out.write('h');
                    out.write(rng.nextInt(memo));
                } else {
                    out.write('N');
                }
            }
        }
    }

    private void memoize() {
        if (rng.nextBoolean() && memo < 250) {
            out.write('q');
            out.write(memo++);
        }
    }

    /** numpy's protocol-5 form: _frombuffer(buffer, dtype, shape, order), with sizes that may not match. */
    private void numpyArray() {
        String[] dtypes = {"f4", "f8", "i4", "i8", "u1", "i2", "b1", "f2", "c8", "O"};
        String dt = dtypes[rng.nextInt(dtypes.length)];
        int[] shape = new int[rng.nextInt(3)];
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = rng.nextInt(4) == 0 ? (int) org.lrml.testutil.Mutator.interestingSize(rng) : rng.nextInt(4);
            n *= Math.max(0, Math.min(shape[i], 8));
        }
        int size = dt.length() > 1 ? Integer.parseInt(dt.substring(1)) : 8;
        int raw = rng.nextInt(5) == 0 ? rng.nextInt(64) : n * size;
        out.writeBytes(ascii("cnumpy.core.numeric\n_frombuffer\n("));
        out.write('C');
        out.write(Math.min(raw, 255));
        out.writeBytes(new byte[Math.min(raw, 255)]);
        out.writeBytes(ascii("cnumpy\ndtype\n("));
        out.write(0x8c);
        utf8Short(dt);
        out.writeBytes(ascii("tR"));
        out.write('(');
        for (int d : shape) {
            out.write('J');
            le32(d);
        }
        out.write('t');
        out.write(0x8c);
        utf8Short(rng.nextInt(6) == 0 ? "F" : "C");
        out.writeBytes(ascii("tR"));
    }

    /** {'imlist': [...], 'qimlist': [...], 'gnd': [{'bbx': [...], 'easy': [...], 'hard': [...], 'junk': [...]}]} */
    private void groundTruth() {
        int images = rng.nextInt(5);
        int queries = rng.nextInt(3);
        out.write('}');
        out.write('(');
        key("imlist");
        strings(images);
        key("qimlist");
        strings(queries + (rng.nextInt(5) == 0 ? 1 : 0));
        key("gnd");
        out.write(']');
        out.write('(');
        for (int q = 0; q < queries; q++) {
            out.write('}');
            out.write('(');
            key("bbx");
            out.write(']');
            out.write('(');
            int coords = rng.nextInt(6) == 0 ? 3 : 4;
            for (int i = 0; i < coords; i++) {
                out.write('G');
                out.writeBytes(ByteBuffer.allocate(8).putDouble(rng.nextInt(6) == 0 ? -rng.nextDouble() : 10 * i + 1)
                        .array());
            }
            out.write('e');
            for (String k : new String[]{"easy", "hard", "junk"}) {
                key(k);
                out.write(']');
                out.write('(');
                int n = rng.nextInt(3);
                for (int i = 0; i < n; i++) {
                    out.write('J');
                    le32(rng.nextInt(8) == 0 ? rng.nextInt() : rng.nextInt(images + 1));
                }
                out.write('e');
            }
            out.write('u');
        }
        out.write('e');
        out.write('u');
    }

    private void key(String k) {
        out.write(0x8c);
        utf8Short(k);
    }

    private void strings(int n) {
        out.write(']');
        out.write('(');
        for (int i = 0; i < n; i++) {
            out.write(0x8c);
            utf8Short("im" + i + (rng.nextInt(10) == 0 ? word() : ""));
        }
        out.write('e');
    }

    private void le16(int v) {
        out.write(v & 0xff);
        out.write((v >> 8) & 0xff);
    }

    private void le32(int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private void bytes(int n) {
        out.write(n);
        byte[] b = new byte[n];
        rng.nextBytes(b);
        out.writeBytes(b);
    }

    private void utf8Short(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
    }

    private void utf8Long(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        le32(b.length);
        out.writeBytes(b);
    }

    private void line(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\n');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
