package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The command line's doors: info, gradcheck, unknown flags. */
class CliTest {

    /** Runs the CLI capturing stdout and stderr. */
    static String[] run(int expectedStatus, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            String so = o.toString(StandardCharsets.UTF_8);
            String se = e.toString(StandardCharsets.UTF_8);
            assertEquals(expectedStatus, status, "exit status of lrml " + String.join(" ", args) + "\n" + so + se);
            return new String[]{so, se};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void infoNamesEveryBackend() {
        String out = run(0, "info")[0];
        assertTrue(out.contains("cpu:"), out);
        assertTrue(out.contains("cuda:"), out);
        assertTrue(out.contains("java:"), out);
    }

    @Test
    void gradcheckPrintsSummaryLast() {
        String out = run(0, "gradcheck", "--op", "matmul", "--seeds", "1")[0].strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(last.matches("\\d+ passed, 0 failed"), last);
    }

    @Test
    void unknownFlagIsAnError() {
        String err = run(1, "gradcheck", "--no-such-flag")[1];
        assertTrue(err.contains("--no-such-flag"), err);
        assertEquals(1, err.strip().lines().count(), "one line, as the README promises: " + err);
        assertTrue(err.startsWith("lrml gradcheck: error: "), err);
    }
}
