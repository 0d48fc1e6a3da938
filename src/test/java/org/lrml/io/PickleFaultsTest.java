package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.Fifo;

/**
 * Pickles written opcode by opcode that used to end in an exception other than the reader's documented
 * IOException (ArithmeticException, StackOverflowError, NumberFormatException) or to take minutes.
 */
class PickleFaultsTest {

    private static byte[] ops(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private static IOException refused(byte[] pickle) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> Pickle.read(pickle, "p.pkl")));
    }

    @Test
    void aNumpyShapeWhoseSizeOverflowsIsAnIoError() {
        byte[] p = ops("cnumpy.core.numeric\n_frombuffer\n", "(", "C", 0, "cnumpy\ndtype\n(S'f4'\ntR",
                "(L2147483647\nL2147483647\nL2147483647\nt", "S'C'\n", "tR.");
        IOException e = refused(p);
        assertTrue(e.getMessage().startsWith("p.pkl: ") && e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void aTupleKeyHoldingAListThatHoldsItselfIsRefusedNotHashedForever() {
        // {([[...]],): 1} where the list contains itself; Python refuses it too (unhashable list).
        byte[] p = ops("}", "]", "q", 0, "h", 0, "a", 0x85, "K", 1, "s.");
        assertTrue(refused(p).getMessage().contains("dict key of type list"));
    }

    @Test
    void dataNestedAMillionDeepIsRefusedNotAStackOverflow() {
        int depth = 1_000_000;
        byte[] p = ops("]".repeat(depth), "a".repeat(depth - 1), ".");
        assertTrue(refused(p).getMessage().contains("deeper than"));
    }

    @Test
    void aBadUnicodeEscapeIsAnIoError() {
        assertTrue(refused(ops("V\\uZZZZ\n.")).getMessage().contains("not hexadecimal"));
        assertTrue(refused(ops("V\\U7fffffff\n.")).getMessage().contains("beyond Unicode"));
    }

    @Test
    void aMillionDigitIntLiteralIsRefusedAtOnceAsPythonRefusesIt() {
        IOException e = refused(ops("I", "7".repeat(1_000_000), "\n."));
        assertTrue(e.getMessage().contains("at most 4300 digits"), e.getMessage());
    }

    @Test
    void quotedTextIsPrintableAndErrorsAreOneLine() {
        IOException e = refused(ops("c\u001b[2J\nevil\n)R."));
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
        assertTrue(e.getMessage().contains("\\x1b[2J"), e.getMessage());
    }

    @Test
    void plainValuesStillRead() throws IOException {
        // protocol 0 floats as Python writes them, including inf and nan
        assertEquals(List.of(1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                Pickle.read(ops("(lp0\nF1.5\naFinf\naF-inf\na."), "f.pkl"));
        assertTrue(Double.isNaN((Double) Pickle.read(ops("Fnan\n."), "nan.pkl")));
    }

    @Test
    void aFolderOrFifoIsRefusedByName(@TempDir Path dir) {
        assertTrue(assertThrows(IOException.class, () -> Pickle.read(dir)).getMessage().contains("is a folder"));
        Path fifo = dir.resolve("gnd.pkl");
        assumeTrue(Fifo.make(fifo), "mkfifo");
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> Pickle.read(fifo)));
        assertTrue(e.getMessage().contains("gnd.pkl") && e.getMessage().contains("FIFO"), e.getMessage());
    }
}
