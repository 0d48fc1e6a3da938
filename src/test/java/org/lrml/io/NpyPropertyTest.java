package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lrml.testutil.Fuzz;
import org.lrml.testutil.Mutator;
import org.lrml.testutil.NpyBytes;

/**
 * Property: every .npy input, valid or not, is read or refused with an IOException whose message is one printable
 * line naming the file; never another exception, a hang, or memory beyond 16 bytes per input byte. Inputs: valid
 * arrays of every type (mutated at the byte level), headers generated from a grammar of the Python literals numpy
 * writes and many it would refuse, and valid headers edited as text.
 */
public class NpyPropertyTest {
    private static final String[] DESCRS = {"'<f4'", "'<f4'", "'>f8'", "'<i4'", "'>i8'", "'f4'", "'|f4'", "'=i8'",
            "'|u1'", "'|i1'", "'|b1'", "'<f2'", "'<c8'", "'O'", "'S5'", "'<U3'", "[('a', '<f4')]", "'<f' '4'",
            "'\\x1b[0m'", "''", "1", "None", "\"<f8\"", "'<f4", "u'<f4'"};
    private static final String[] FORTRAN = {"False", "False", "False", "True", "0", "'False'", "None", "Fals"};
    private static final String[] DIMS = {"0", "1", "2", "3", "7", "16", "2147483647", "2147483648", "-1",
            "4294967296", "99999999999999999999999999999", "2L", "0x10", "1.0", "True", "1_000", "0b11", "-0", "+3"};
    private static final String[] TOKENS = {"(", ")", ",", ":", "'", "\"", "{", "}", "[", "]", "#", "\\", "\n", " ",
            "True", "None", "'shape'", "'descr'", "2147483648", "-1", "1e3", "0x", "L", "\u00e9", "\u0000", "\u202e"};

    @Test
    void everyInputIsReadOrRefusedWithANamedIoError() {
        Fuzz.Summary s = Fuzz.Property.ofBytes("npy", NpyPropertyTest::generate,
                Fuzz.documented(IOException.class, NpyPropertyTest::readAndCheck), 16, 2 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    /** Reads; a result must be self-consistent (the record checks values against the shape). */
    private static void readAndCheck(byte[] bytes, String name) throws IOException {
        NpyArray a = Npy.read(bytes, name);
        long n = 1;
        for (int d : a.shape()) {
            n *= d;
        }
        if (n != a.numel()) {
            throw new AssertionError(name + ": numel " + a.numel() + " for shape of " + n);
        }
    }

    /** An input of the npy property: valid, generated from the header grammar, or edited; also for checkpoints. */
    public static byte[] generate(Random rng) {
        int kind = rng.nextInt(10);
        byte[] b;
        if (kind < 3) {
            b = validArray(rng);
        } else if (kind < 7) {
            b = grammarHeader(rng);
        } else {
            b = textEditedHeader(rng);
        }
        return rng.nextInt(3) == 0 || kind < 3 && rng.nextInt(10) < 7 ? Mutator.mutate(b, rng, 3, null, 6, 8, 10)
                : b;
    }

    static byte[] validArray(Random rng) {
        int rank = rng.nextInt(4);
        int[] shape = new int[rank];
        int n = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = rng.nextInt(5);
            n *= shape[i];
        }
        NpyArray a = switch (rng.nextInt(4)) {
            case 0 -> NpyArray.of(new float[n], shape);
            case 1 -> NpyArray.of(new double[n], shape);
            case 2 -> NpyArray.of(new int[n], shape);
            default -> NpyArray.of(new long[n], shape);
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String pick(Random rng, String[] options) {
        return options[rng.nextInt(options.length)];
    }

    static byte[] grammarHeader(Random rng) {
        List<String> dims = new ArrayList<>();
        int rank = rng.nextInt(5);
        long elements = 1;
        boolean small = true;
        for (int i = 0; i < rank; i++) {
            String d = rng.nextInt(3) == 0 ? pick(rng, DIMS) : Integer.toString(rng.nextInt(6));
            dims.add(d);
            try {
                elements *= Long.parseLong(d);
            } catch (NumberFormatException e) {
                small = false;
            }
        }
        String shape = switch (rng.nextInt(8)) {
            case 0 -> "[" + String.join(", ", dims) + "]";
            case 1 -> dims.size() == 1 ? "(" + dims.get(0) + ")" : "(" + String.join(", ", dims) + ")";
            default -> "(" + String.join(", ", dims) + (dims.size() == 1 || rng.nextBoolean() ? "," : "") + ")";
        };
        String q = rng.nextInt(5) == 0 ? "\"" : "'";
        List<String> entries = new ArrayList<>(List.of(q + "descr" + q + ": " + pick(rng, DESCRS),
                q + "fortran_order" + q + ": " + pick(rng, FORTRAN), q + "shape" + q + ": " + shape));
        switch (rng.nextInt(12)) {
            case 0 -> entries.remove(rng.nextInt(entries.size()));
            case 1 -> entries.add(entries.get(rng.nextInt(entries.size())));
            case 2 -> entries.add("'extra': 1");
            case 3 -> entries.set(rng.nextInt(3), "'shap': (1,)");
            default -> {
            }
        }
        if (rng.nextBoolean()) {
            Collections.shuffle(entries, rng);
        }
        String sep = rng.nextInt(6) == 0 ? ",\n # note\n " : rng.nextBoolean() ? ", " : ",";
        String dict = "{" + String.join(sep, entries) + (rng.nextBoolean() ? ", }" : "}");
        if (rng.nextInt(10) == 0) {
            dict = rng.nextBoolean() ? dict + " junk" : "  " + dict + "\n\n";
        }
        int item = 4;
        int dataLength = small && elements >= 0 && elements <= 4096 && rng.nextInt(10) < 7 ? (int) elements * item
                : rng.nextInt(257);
        byte[] data = new byte[dataLength];
        rng.nextBytes(data);
        int major = rng.nextInt(10) < 7 ? 1 : 2 + rng.nextInt(rng.nextInt(10) == 0 ? 5 : 2);
        int minor = rng.nextInt(20) == 0 ? 1 : 0;
        return NpyBytes.of(dict, major, minor, data);
    }

    static byte[] textEditedHeader(Random rng) {
        StringBuilder h = new StringBuilder(NpyBytes.header(rng.nextBoolean() ? "<f4" : ">i8", "(2, 3)"));
        int edits = 1 + rng.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = rng.nextInt(h.length() + 1);
            switch (rng.nextInt(3)) {
                case 0 -> h.delete(at, Math.min(h.length(), at + 1 + rng.nextInt(6)));
                case 1 -> h.insert(at, pick(rng, TOKENS));
                default -> {
                    if (at < h.length()) {
                        h.setCharAt(at, pick(rng, TOKENS).charAt(0));
                    }
                }
            }
        }
        byte[] data = new byte[rng.nextInt(10) < 8 ? 48 : rng.nextInt(100)];
        return NpyBytes.of(h.toString(), rng.nextInt(4) == 0 ? 3 : 1, 0, data);
    }
}
