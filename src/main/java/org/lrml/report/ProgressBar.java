package org.lrml.report;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A progress bar for long work, on stderr:
 * {@code extract  42% [########------------]  420/1000  35.2 it/s  ETA 0:16  loss=0.1234}.
 * On a terminal it redraws one line in place with carriage returns (at most every 100 ms); when stderr
 * is not a terminal (CI logs, files) it prints a plain line every {@code plainInterval} seconds and one at
 * the end, so logs stay short. A total of 0 or less means unknown: no percentage, bar or ETA.
 * Thread-safe; the rate is the average since the start.
 */
public final class ProgressBar implements AutoCloseable {
    static final int BAR_WIDTH = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean tty;
    private final LongSupplier clock;
    private final long plainIntervalNanos;
    private final long start;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private long done;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private boolean finished;

    /** On stderr, as a redrawn line when a console is attached, plain lines every 10 s otherwise. */
    public ProgressBar(String label, long total) {
        this(label, total, System.err, System.console() != null, System::nanoTime, 10.0);
    }

    public ProgressBar(String label, long total, PrintStream out, boolean tty, LongSupplier nanoClock,
                       double plainIntervalSeconds) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.tty = tty;
        this.clock = nanoClock;
        this.plainIntervalNanos = (long) (plainIntervalSeconds * 1e9);
        this.start = nanoClock.getAsLong();
    }

    public void step() {
        step(1);
    }

    public synchronized void step(long n) {
        done += n;
        maybeDraw();
    }

    /** Sets the count of finished units. */
    public synchronized void set(long doneSoFar) {
        done = doneSoFar;
        maybeDraw();
    }

    /** A custom field shown after the ETA, e.g. field("loss", 0.1234). */
    public synchronized void field(String name, double value) {
        fields.put(name, formatNumber(value));
    }

    public synchronized void field(String name, String value) {
        fields.put(name, value);
    }

    /** Prints the final state and ends the line. Idempotent. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        draw(clock.getAsLong(), true);
    }

    @Override
    public void close() {
        finish();
    }

    private void maybeDraw() {
        if (finished) {
            return;
        }
        long now = clock.getAsLong();
        long interval = tty ? REDRAW_NANOS : plainIntervalNanos;
        if (lastDraw == Long.MIN_VALUE ? (tty || now - start >= interval) : now - lastDraw >= interval) {
            draw(now, false);
        }
    }

    private void draw(long now, boolean last) {
        lastDraw = now;
        String line = render(now);
        if (tty) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad) + (last ? "\n" : ""));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The line as it would be drawn at time now (nanoseconds of the clock). */
    synchronized String render(long now) {
        double elapsed = Math.max(0, (now - start) / 1e9);
        StringBuilder s = new StringBuilder(label);
        if (total > 0) {
            double frac = Math.min(1.0, Math.max(0.0, done / (double) total));
            int filled = (int) Math.floor(frac * BAR_WIDTH);
            s.append(String.format(Locale.ROOT, " %3d%% [", (int) Math.floor(frac * 100)))
                    .append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(done).append('/').append(total);
        } else {
            s.append(' ').append(done);
        }
        double rate = elapsed > 0 ? done / elapsed : Double.NaN;
        s.append("  ").append(Double.isFinite(rate) ? formatRate(rate) : "-- it/s");
        if (total > 0) {
            if (done >= total) {
                s.append("  ").append(formatDuration(elapsed));
            } else if (Double.isFinite(rate) && rate > 0) {
                s.append("  ETA ").append(formatDuration((total - done) / rate));
            } else {
                s.append("  ETA --");
            }
        } else {
            s.append("  ").append(formatDuration(elapsed));
        }
        for (Map.Entry<String, String> f : fields.entrySet()) {
            s.append("  ").append(f.getKey()).append('=').append(f.getValue());
        }
        return s.toString();
    }

    static String formatRate(double perSecond) {
        if (perSecond >= 1 || perSecond == 0) {
            return String.format(Locale.ROOT, perSecond >= 100 ? "%.0f it/s" : "%.1f it/s", perSecond);
        }
        return String.format(Locale.ROOT, "%.1f s/it", 1 / perSecond);
    }

    /** m:ss below an hour, h:mm:ss above. */
    static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    static String formatNumber(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
