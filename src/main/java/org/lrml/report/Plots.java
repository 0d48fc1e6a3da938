package org.lrml.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.lrml.io.AtomicFiles;

/**
 * Line charts drawn with Java2D (headless) and written as PNG: a title, axes with "nice" ticks (steps of
 * 1, 2 or 5 times a power of ten) and their labels, light grid lines, one coloured line per series and a
 * legend. Sized to be read at 1x. Non-finite points are skipped (the line breaks there).
 */
public final class Plots {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Colour-blind-safe palette (Okabe-Ito), in series order. */
    static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
            new Color(204, 121, 167), new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0)};

    public static final int PANEL_WIDTH = 720;
    public static final int PANEL_HEIGHT = 400;

    private Plots() {
    }

    /** One line: points (x[i], y[i]). */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length
                        + " y values");
            }
            x = x.clone();
            y = y.clone();
        }

        /** y against 1, 2, 3, ... */
        public static Series of(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Series(name, x, y);
        }
    }

    /** One chart panel. */
    public record Chart(String title, String xLabel, String yLabel, List<Series> series) {
        public Chart {
            series = List.copyOf(series);
        }
    }

    /** Writes the panels stacked vertically into one PNG, atomically. */
    public static void write(Path png, List<Chart> panels) throws IOException {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException(png + ": no chart to draw");
        }
        BufferedImage img = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                draw(g, panels.get(i), 0, i * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
            }
        } finally {
            g.dispose();
        }
        writePng(png, img);
    }

    /** Writes an image as PNG atomically (nothing already written is lost on a crash). */
    static void writePng(Path png, BufferedImage img) throws IOException {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException(png + ": no PNG writer available in this Java runtime");
            }
        });
    }

    /**
     * Training curves: loss per step with the per-epoch mean (x in epochs, so steps fall between epoch
     * marks), and mAP and Recall@1 per epoch in percent.
     */
    public static void trainingCurves(Path png, TrainingHistory h, String title) throws IOException {
        List<Chart> panels = new ArrayList<>();
        List<Series> loss = new ArrayList<>();
        double[] steps = h.stepLosses();
        if (steps.length > 0) {
            double[] x = new double[steps.length];
            int[] ends = h.epochEndSteps();
            for (int s = 0; s < steps.length; s++) {
                x[s] = stepPosition(s, ends);
            }
            loss.add(new Series("loss per step", x, steps));
        }
        if (h.epochs() > 0) {
            loss.add(Series.of("mean loss per epoch", h.epochLosses()));
        }
        panels.add(new Chart(title + ": training loss", "epoch", "loss", loss));
        if (h.epochs() > 0) {
            panels.add(new Chart(title + ": retrieval", "epoch", "%",
                    List.of(Series.of("mAP", percent(h.epochMap())), Series.of("Recall@1", percent(h.epochRecall1())))));
        }
        write(png, panels);
    }

    /** Step s of an epoch that ends at step ends[e] (exclusive) lies at e + (position within the epoch). */
    private static double stepPosition(int s, int[] ends) {
        int start = 0;
        for (int e = 0; e < ends.length; e++) {
            if (s < ends[e]) {
                return e + (s - start + 1) / (double) (ends[e] - start);
            }
            start = ends[e];
        }
        // Steps of an epoch not finished yet: one unit per epoch length of the last finished epoch.
        int last = ends.length == 0 ? Math.max(1, s + 1) : Math.max(1, ends[ends.length - 1]
                - (ends.length > 1 ? ends[ends.length - 2] : 0));
        return ends.length + (s - start + 1) / (double) last;
    }

    private static double[] percent(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 100 * v[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- drawing

    static void draw(Graphics2D g, Chart c, int x0, int y0, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        int left = x0 + 72;
        int right = x0 + w - 24;
        int top = y0 + 44;
        int bottom = y0 + h - 56;

        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        FontMetrics tfm = g.getFontMetrics();
        g.drawString(c.title(), x0 + (w - tfm.stringWidth(c.title())) / 2, y0 + 26);

        double[] xr = range(c.series(), true);
        double[] yr = range(c.series(), false);
        Ticks xt = Ticks.of(xr[0], xr[1], 8);
        Ticks yt = Ticks.of(yr[0], yr[1], 6);

        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        for (double v : xt.values()) {
            int px = (int) Math.round(map(v, xt.lo(), xt.hi(), left, right));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 5);
            String s = xt.format(v);
            g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 8 + fm.getAscent());
        }
        for (double v : yt.values()) {
            int py = (int) Math.round(map(v, yt.lo(), yt.hi(), bottom, top));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 5, py, left, py);
            String s = yt.format(v);
            g.drawString(s, left - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(left, top, right - left, bottom - top);

        g.setFont(labelFont);
        FontMetrics lfm = g.getFontMetrics();
        g.drawString(c.xLabel(), (left + right - lfm.stringWidth(c.xLabel())) / 2, y0 + h - 14);
        Graphics2D gr = (Graphics2D) g.create();
        gr.translate(x0 + 18, (top + bottom) / 2 + lfm.stringWidth(c.yLabel()) / 2);
        gr.rotate(-Math.PI / 2);
        gr.drawString(c.yLabel(), 0, 0);
        gr.dispose();

        Graphics2D clip = (Graphics2D) g.create();
        clip.clipRect(left, top, right - left + 1, bottom - top + 1);
        for (int i = 0; i < c.series().size(); i++) {
            Series s = c.series().get(i);
            clip.setColor(PALETTE[i % PALETTE.length]);
            clip.setStroke(new BasicStroke(s.x().length > 200 ? 1.0f : 2.0f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            int points = 0;
            double lastX = 0;
            double lastY = 0;
            for (int k = 0; k < s.x().length; k++) {
                if (!Double.isFinite(s.x()[k]) || !Double.isFinite(s.y()[k])) {
                    pen = false;
                    continue;
                }
                double px = map(s.x()[k], xt.lo(), xt.hi(), left, right);
                double py = map(s.y()[k], yt.lo(), yt.hi(), bottom, top);
                if (pen) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                }
                pen = true;
                points++;
                lastX = px;
                lastY = py;
            }
            clip.draw(path);
            if (s.x().length <= 40 || points == 1) {
                // Few points: mark them, so a one-epoch run still shows its value.
                for (int k = 0; k < s.x().length; k++) {
                    if (Double.isFinite(s.x()[k]) && Double.isFinite(s.y()[k])) {
                        double px = map(s.x()[k], xt.lo(), xt.hi(), left, right);
                        double py = map(s.y()[k], yt.lo(), yt.hi(), bottom, top);
                        clip.fillOval((int) Math.round(px) - 3, (int) Math.round(py) - 3, 7, 7);
                    }
                }
            } else if (points > 0) {
                clip.fillOval((int) Math.round(lastX) - 2, (int) Math.round(lastY) - 2, 5, 5);
            }
        }
        clip.dispose();
        drawLegend(g, c.series(), left, right, top);
    }

    private static void drawLegend(Graphics2D g, List<Series> series, int left, int right, int top) {
        if (series.isEmpty()) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int width = 0;
        for (Series s : series) {
            width = Math.max(width, fm.stringWidth(s.name()));
        }
        int boxW = width + 44;
        int line = fm.getHeight() + 2;
        int boxH = line * series.size() + 8;
        int bx = right - boxW - 8;
        int by = top + 8;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(new Color(160, 160, 160));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            int ly = by + 4 + i * line + line / 2;
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(bx + 8, ly, bx + 30, ly);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), bx + 36, ly + fm.getAscent() / 2 - 1);
        }
    }

    /** [min, max] of the finite x (or y) values, widened when degenerate. */
    static double[] range(List<Series> series, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = x ? s.x() : s.y();
            double[] other = x ? s.y() : s.x();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i]) && Double.isFinite(other[i])) {
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
            }
        }
        if (lo > hi) {
            return new double[]{0, 1};
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[]{lo - pad, hi + pad};
        }
        return new double[]{lo, hi};
    }

    private static double map(double v, double lo, double hi, double a, double b) {
        return a + (v - lo) / (hi - lo) * (b - a);
    }

    /** Axis ticks at multiples of a step of 1, 2 or 5 times a power of ten, covering [lo, hi]. */
    record Ticks(double lo, double hi, double step) {
        static Ticks of(double min, double max, int target) {
            double raw = (max - min) / Math.max(1, target);
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double norm = raw / mag;
            double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
            double lo = Math.floor(min / step + 1e-9) * step;
            double hi = Math.ceil(max / step - 1e-9) * step;
            if (hi <= lo) {
                hi = lo + step;
            }
            return new Ticks(lo, hi, step);
        }

        List<Double> values() {
            List<Double> out = new ArrayList<>();
            long n = Math.round((hi - lo) / step);
            for (long i = 0; i <= n; i++) {
                out.add(lo + i * step);
            }
            return out;
        }

        /** As many decimals as the step needs, no more. */
        String format(double v) {
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            double rounded = Math.abs(v) < step * 1e-6 ? 0 : v;
            return String.format(Locale.ROOT, "%." + decimals + "f", rounded);
        }
    }
}
