package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The pickle reader on files written by CPython and numpy (see make_pickle_fixtures.py). */
class PickleTest {
    static final Path DIR = Path.of("src/test/resources/pickle");

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 2, 3, 4, 5})
    void everySupportedKindInEveryProtocol(int protocol) throws IOException {
        Object root = Pickle.read(DIR.resolve("values_p" + protocol + ".pkl"));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) root;
        assertEquals("h\u00e9llo \u2603", m.get("str"));
        assertEquals(5L, m.get("int_small"));
        assertEquals(-5L, m.get("int_neg"));
        assertEquals(1000L, m.get("int_2byte"));
        assertEquals(70000L, m.get("int_4byte"));
        assertEquals(-(1L << 40), m.get("int_neg_big"));
        assertEquals(BigInteger.TWO.pow(70), m.get("int_huge"));
        assertEquals(1.5, m.get("float"));
        assertTrue(m.containsKey("none"));
        assertNull(m.get("none"));
        assertEquals(Boolean.TRUE, m.get("true"));
        assertEquals(Boolean.FALSE, m.get("false"));
        assertEquals(List.of(1L, "a", 2.5), m.get("tuple"));
        assertEquals("tuple", Pickle.typeName(m.get("tuple")));
        assertEquals(List.of(), m.get("empty_tuple"));
        assertEquals(List.of(List.of(1L, 2L), List.of(3L), List.of()), m.get("nested"));
        assertTrue(m.get("nested") instanceof ArrayList, "lists stay lists");
        assertArrayEquals(new byte[]{0, 1, (byte) 0xff}, (byte[]) m.get("bytes"));
        assertSame(m.get("shared_a"), m.get("shared_b"), "the memo shares one object");
        assertEquals(NpyArray.of(new int[]{1, -2, 3, 4}, 2, 2), m.get("i32_2x2"));
        assertEquals(NpyArray.of(new int[]{0, 1, 2, 3, 4}, 5), m.get("u8"));
        assertEquals(NpyArray.of(new float[]{0.5f, -1.25f}, 2), m.get("f32"));
        assertEquals(NpyArray.of(new double[]{1e-300, 3.0}, 2), m.get("f64"));
        assertEquals(NpyArray.of(new long[]{1, -2}, 2), m.get("i64_big_endian"));
        assertEquals(NpyArray.of(new long[0], 0), m.get("i64_empty"));
        assertEquals(7L, m.get("np_int_scalar"));
        assertEquals(2.5, m.get("np_float_scalar"));
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, Pickle.ints(m.get("u8"), "u8"));
        assertArrayEquals(new double[]{0.5, -1.25}, Pickle.doubles(m.get("f32"), "f32"));
    }

    @Test
    void foreignClassesAreRefusedByName() {
        IOException e = assertThrows(IOException.class, () -> Pickle.read(DIR.resolve("unsupported_class.pkl")));
        assertTrue(e.getMessage().contains("unsupported_class.pkl") && e.getMessage().contains("collections.OrderedDict"),
                e.getMessage());
    }

    @Test
    void objectArraysAreRefused() {
        IOException e = assertThrows(IOException.class, () -> Pickle.read(DIR.resolve("object_array.pkl")));
        assertTrue(e.getMessage().contains("object") && e.getMessage().contains("object_array.pkl"), e.getMessage());
    }

    @Test
    void truncatedFilesSayWhere() {
        IOException e = assertThrows(IOException.class, () -> Pickle.read(DIR.resolve("truncated.pkl")));
        assertTrue(e.getMessage().contains("truncated.pkl: pickle byte "), e.getMessage());
    }

    @Test
    void helpersNameWhatIsWrong() {
        IOException e = assertThrows(IOException.class, () -> Pickle.ints(List.of(1L, "x"), "gnd[0] easy"));
        assertTrue(e.getMessage().contains("gnd[0] easy: element 1 is str"), e.getMessage());
        IOException k = assertThrows(IOException.class, () -> Pickle.get(Map.of("a", 1L), "imlist", "f.pkl"));
        assertTrue(k.getMessage().contains("no key 'imlist'"), k.getMessage());
        IOException op = assertThrows(IOException.class, () -> Pickle.read(new byte[]{(byte) 0x80, 4, (byte) 0xff},
                "mem"));
        assertTrue(op.getMessage().contains("mem: pickle byte 2: unsupported opcode 0xff"), op.getMessage());
    }
}
