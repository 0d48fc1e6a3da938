package org.lrml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Formatting and drawing policy of the progress bar, on a clock the test moves. */
class ProgressBarTest {
    long now;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ProgressBar bar(long total, boolean tty) {
        return new ProgressBar("extract", total, new PrintStream(bytes, true, StandardCharsets.UTF_8), tty,
                () -> now, 10.0);
    }

    String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rendersPercentBarCountsRateEtaAndFields() {
        ProgressBar b = bar(1000, true);
        now = 12_000_000_000L;
        b.set(420);
        b.field("loss", 0.123456);
        assertEquals("extract  42% [########------------] 420/1000  35.0 it/s  ETA 0:17  loss=0.1235", b.render(now));
        now = 20_000_000_000L;
        b.set(1000);
        assertEquals("extract 100% [####################] 1000/1000  50.0 it/s  0:20  loss=0.1235", b.render(now));
    }

    @Test
    void unknownTotalAndSlowRates() {
        ProgressBar b = bar(0, false);
        now = 125_000_000_000L;
        b.set(5);
        assertEquals("extract 5  25.0 s/it  2:05", b.render(now));
        assertEquals("1:01:01", ProgressBar.formatDuration(3661));
        assertEquals("1.000e-05", ProgressBar.formatNumber(1e-5));
        assertEquals("150 it/s", ProgressBar.formatRate(150));
    }

    @Test
    void terminalRedrawsInPlace() {
        ProgressBar b = bar(10, true);
        now = 1_000_000_000L;
        b.step();
        now = 1_050_000_000L;
        b.step();
        now = 1_200_000_000L;
        b.step(8);
        b.finish();
        b.finish();
        String out = output();
        assertEquals(3, out.chars().filter(c -> c == '\r').count(), "first step, third step, finish: " + out);
        assertTrue(out.endsWith("\n") && !out.contains("\n\r"), out);
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "one line end, at the finish");
    }

    @Test
    void logsGetAPlainLineEveryIntervalAndAtTheEnd() {
        ProgressBar b = bar(100, false);
        for (int i = 1; i <= 100; i++) {
            now = i * 1_000_000_000L;
            b.step();
        }
        b.close();
        String[] lines = output().split("\n");
        // Steps at 10 s, 20 s, ..., 100 s print; the finish prints once more.
        assertEquals(11, lines.length, output());
        assertTrue(lines[0].startsWith("extract  10% [##"), lines[0]);
        assertTrue(!output().contains("\r"), "no carriage returns in logs");
    }
}
