package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.Fifo;
import org.lrml.testutil.NpyBytes;

/**
 * The .npy header read as numpy reads it (issue 15, defects 2, 4 and 6): a Python literal dict with exactly the
 * three keys, the last of a repeated key winning; sizes the header declares never overflow or allocate; messages
 * name the file and quote only printable text. Headers here are written by hand; what numpy does with each is
 * stated next to it (checked with numpy 2.4).
 */
class NpyHeaderTest {

    private static IOException refused(String header, byte[] data) {
        return assertThrows(IOException.class, () -> Npy.read(NpyBytes.of(header, data), "h.npy"), header);
    }

    @Test
    void aShapeWhoseProductOverflowsALongIsAnIoErrorNotAnArithmeticException() {
        IOException e = refused(NpyBytes.header("<f4", "(2147483647, 2147483647, 2147483647)"), new byte[0]);
        assertTrue(e.getMessage().startsWith("h.npy: ") && e.getMessage().contains("more elements"), e.getMessage());
    }

    @Test
    void aShapeWhoseByteCountOverflowsIsTruncatedDataNotBytesAfterTheData() {
        IOException e = refused(NpyBytes.header("<f4", "(2147483647, 2147483647)"), new byte[16]);
        assertTrue(e.getMessage().contains("truncated data") && !e.getMessage().contains("after the data"),
                e.getMessage());
    }

    @Test
    void aDuplicateShapeKeyReadsTheLastValueAsNumpyDoes() throws IOException {
        // numpy: np.load gives shape (4,) -- ast.literal_eval keeps the last value of a repeated key.
        NpyArray a = Npy.read(NpyBytes.of("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'shape': (4,), }",
                NpyBytes.floats(4)), "dup.npy");
        assertArrayEquals(new int[]{4}, a.shape());
        assertArrayEquals(new float[]{0, 1, 2, 3}, (float[]) a.data());
    }

    @Test
    void headersNumpyRefusesAreRefused() {
        byte[] four = NpyBytes.floats(4);
        // numpy: "Header does not contain the correct keys"
        assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'junk': 1}", four).getMessage()
                .contains("keys"));
        assertTrue(refused("{'descr': '<f4', 'shape': (4,)}", four).getMessage().contains("keys"));
        // numpy: "fortran_order is not a valid bool"
        assertTrue(refused("{'descr': '<f4', 'fortran_order': 'False', 'shape': (4,)}", four).getMessage()
                .contains("not a bool"));
        // numpy: "shape is not valid" (a list, a float)
        assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': [4]}", four).getMessage()
                .contains("not a tuple"));
        assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (4.0,)}", four).getMessage()
                .contains("not an int"));
        // numpy: "Cannot parse header" (the old reader found the keys by searching the text and read these)
        assertTrue(refused("{'descr': '<f4' 'fortran_order': False, 'shape': (4,)}", four).getMessage()
                .contains("not a Python literal"));
        assertTrue(refused("{'descr': '<f4', 'fortran_order': False, 'shape': (4,) junk}", four).getMessage()
                .contains("not a Python literal"));
        assertTrue(refused("x{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", four).getMessage()
                .contains("not a Python literal"));
        assertTrue(refused("['descr', '<f4']", four).getMessage().contains("not a dict"));
    }

    @Test
    void literalsNumpyAcceptsAreRead() throws IOException {
        byte[] six = NpyBytes.floats(6);
        String[] headers = {
                "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",
                "{'descr':'<f4','fortran_order':False,'shape':(2,3)}",
                "{'descr': '<f4', # a comment\n 'fortran_order': False, 'shape': (2, 3,), }",
                "{'descr': '<' 'f4', 'fortran_order': False, 'shape': (2, 0x3)}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L)}", // Python 2, allowed in versions 1 and 2
        };
        for (String h : headers) {
            assertArrayEquals(new int[]{2, 3}, Npy.read(NpyBytes.of(h, six), "ok.npy").shape(), h);
        }
        assertThrows(IOException.class, () -> Npy.read(NpyBytes.of(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L)}", 3, 0, six), "v3.npy"),
                "version 3 never had Python 2 longs");
    }

    @Test
    void oneByteTypesAreNamedNotCalledAByteOrderProblem() {
        for (String descr : new String[]{"|i1", "|u1", "|b1"}) {
            IOException e = refused(NpyBytes.header(descr, "(4,)"), new byte[4]);
            assertFalse(e.getMessage().contains("byte order in"), e.getMessage());
            assertTrue(e.getMessage().contains("unsupported dtype '" + descr + "'")
                    && e.getMessage().matches(".*\\((int8|uint8|bool)\\).*"), e.getMessage());
        }
    }

    @Test
    void rawHeaderBytesAreNotEchoedToTheTerminal() {
        IOException e = refused(NpyBytes.header("\u001b[31m<x4\u0007", "(4,)"), NpyBytes.floats(4));
        String m = e.getMessage();
        assertTrue(m.contains("\\x1b[31m<x4\\x07"), m);
        assertTrue(m.chars().noneMatch(Character::isISOControl), "no control character in: " + m);
        IOException bidi = assertThrows(IOException.class, () -> Npy.read(NpyBytes.of(NpyBytes.header("<f4\u202e",
                "(4,)"), 3, 0, NpyBytes.floats(4)), "h.npy"), "a right-to-left override in a UTF-8 (version 3) header");
        assertTrue(bidi.getMessage().contains("\\u202e"), bidi.getMessage());
    }

    @Test
    void aHeaderLongerThanNumpysLimitIsRefusedWithoutParsingIt() {
        String h = NpyBytes.header("<f4", "(4,)") + " ".repeat(NpyHeader.MAX_LENGTH);
        assertTrue(refused(h, NpyBytes.floats(4)).getMessage().contains("limit"));
    }

    @Test
    void aFolderOrAFifoIsNamedAndNeverWaitedFor(@TempDir Path dir) throws IOException {
        IOException folder = assertThrows(IOException.class, () -> Npy.read(dir));
        assertTrue(folder.getMessage().contains(dir.toString()) && folder.getMessage().contains("is a folder"),
                folder.getMessage());
        Path fifo = dir.resolve("s.npy");
        assumeTrue(Fifo.make(fifo), "mkfifo");
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> Npy.read(fifo)));
        assertTrue(e.getMessage().contains("s.npy") && e.getMessage().contains("FIFO"), e.getMessage());
        assertTrue(Files.exists(fifo));
    }

    @Test
    void printableKeepsTextAndEscapesTheRest() {
        assertEquals("a b\\x0ac\\x1b", Printable.of("a b\nc\u001b"));
        assertEquals("ab...", Printable.of("abcdef", 2));
        assertEquals("über ✓", Printable.of("über ✓"));
    }
}
