package org.lrml.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import org.lrml.data.ChwImage;
import org.lrml.data.Images;
import org.lrml.data.LabeledImages;
import org.lrml.eval.Ranker;

/**
 * A retrieval gallery as PNG: one row per query, the query first (framed black, with its caption), then
 * its top results as thumbnails framed green (relevant) or red (not relevant), each with its rank and
 * similarity printed below. Images are given with values in [0, 1] (grayscale or RGB); small ones such as
 * Fashion-MNIST's 28 x 28 are enlarged with square pixels, larger ones are scaled down to fit a cell.
 */
public final class Gallery {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Thumbnail edge in pixels. */
    public static final int THUMB = 84;
    static final int PAD = 10;
    static final int FRAME = 4;
    static final int TEXT = 34;
    static final Color RELEVANT = new Color(0, 160, 60);
    static final Color IRRELEVANT = new Color(215, 30, 30);

    private Gallery() {
    }

    /** One retrieved item. */
    public record Result(ChwImage image, float similarity, boolean relevant) {
    }

    /** One query and its results, best first. */
    public record Row(ChwImage query, String caption, List<Result> results) {
        public Row {
            results = List.copyOf(results);
        }
    }

    /** Draws the rows (at most 10 results each are shown) into png, atomically. */
    public static void write(Path png, String title, List<Row> rows) throws IOException {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(png + ": a gallery needs at least one query");
        }
        int cols = 0;
        for (Row r : rows) {
            cols = Math.max(cols, Math.min(10, r.results().size()));
        }
        int cell = THUMB + 2 * FRAME + PAD;
        int header = 40;
        int gap = 16;
        int width = PAD + cell + gap + cols * cell + PAD;
        int rowH = THUMB + 2 * FRAME + TEXT + PAD;
        int height = header + rows.size() * rowH + PAD;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, PAD, 26);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                int y = header + r * rowH;
                drawCell(g, row.query(), PAD, y, Color.BLACK);
                g.setColor(Color.BLACK);
                g.setFont(small);
                drawCentered(g, row.caption(), PAD, y + THUMB + 2 * FRAME + 14, THUMB + 2 * FRAME);
                drawCentered(g, "query", PAD, y + THUMB + 2 * FRAME + 28, THUMB + 2 * FRAME);
                for (int k = 0; k < Math.min(10, row.results().size()); k++) {
                    Result res = row.results().get(k);
                    int x = PAD + cell + gap + k * cell;
                    drawCell(g, res.image(), x, y, res.relevant() ? RELEVANT : IRRELEVANT);
                    g.setColor(Color.BLACK);
                    g.setFont(small);
                    drawCentered(g, "#" + (k + 1), x, y + THUMB + 2 * FRAME + 14, THUMB + 2 * FRAME);
                    drawCentered(g, String.format(Locale.ROOT, "s=%.3f", res.similarity()), x,
                            y + THUMB + 2 * FRAME + 28, THUMB + 2 * FRAME);
                }
            }
        } finally {
            g.dispose();
        }
        Plots.writePng(png, img);
    }

    private static void drawCell(Graphics2D g, ChwImage image, int x, int y, Color frame) {
        g.setColor(frame);
        g.setStroke(new BasicStroke(FRAME));
        g.fillRect(x, y, THUMB + 2 * FRAME, THUMB + 2 * FRAME);
        g.setColor(new Color(245, 245, 245));
        g.fillRect(x + FRAME, y + FRAME, THUMB, THUMB);
        BufferedImage t = thumbnail(image);
        g.drawImage(t, x + FRAME + (THUMB - t.getWidth()) / 2, y + FRAME + (THUMB - t.getHeight()) / 2, null);
    }

    private static void drawCentered(Graphics2D g, String s, int x, int baseline, int width) {
        FontMetrics fm = g.getFontMetrics();
        String text = s;
        while (fm.stringWidth(text) > width && text.length() > 1) {
            text = text.substring(0, text.length() - 1);
        }
        g.drawString(text, x + (width - fm.stringWidth(text)) / 2, baseline);
    }

    /** The image fitted into THUMB x THUMB: whole-number enlargement when small, bilinear shrink when large. */
    static BufferedImage thumbnail(ChwImage image) {
        int longest = Math.max(image.height(), image.width());
        ChwImage fitted = image;
        int factor = 1;
        if (longest > THUMB) {
            fitted = Images.resizeLongestSide(image, THUMB);
        } else {
            factor = Math.max(1, THUMB / longest);
        }
        int w = fitted.width() * factor;
        int h = fitted.height() * factor;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = x / factor;
                int sy = y / factor;
                int r = byteOf(fitted.at(0, sy, sx));
                int gg = fitted.channels() == 3 ? byteOf(fitted.at(1, sy, sx)) : r;
                int b = fitted.channels() == 3 ? byteOf(fitted.at(2, sy, sx)) : r;
                out.setRGB(x, y, (r << 16) | (gg << 8) | b);
            }
        }
        return out;
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    /**
     * Rows for labelled image sets (e.g. Fashion-MNIST): for each of queryIds, its top-10 database items
     * by descriptor similarity, relevant when the labels agree. With excludeSelf (queries are the database)
     * a query's own image is left out of its results. labelName captions the query.
     */
    public static List<Row> labeledRows(LabeledImages queries, float[] queryDesc, LabeledImages database,
                                        float[] dbDesc, int d, int[] queryIds, boolean excludeSelf,
                                        IntFunction<String> labelName) {
        float[] chosen = new float[queryIds.length * d];
        for (int i = 0; i < queryIds.length; i++) {
            System.arraycopy(queryDesc, queryIds[i] * d, chosen, i * d, d);
        }
        Ranker.TopK top;
        try (Ranker ranker = new Ranker(dbDesc, database.size(), d)) {
            top = ranker.topK(chosen, queryIds.length, excludeSelf ? 11 : 10);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < queryIds.length; i++) {
            int q = queryIds[i];
            int label = queries.label(q);
            List<Result> results = new ArrayList<>();
            for (int r = 0; r < top.k() && results.size() < 10; r++) {
                int item = top.item(i, r);
                if (excludeSelf && item == q) {
                    continue;
                }
                results.add(new Result(database.displayImage(item), top.similarity(i, r), database.label(item) == label));
            }
            rows.add(new Row(queries.displayImage(q), labelName.apply(label), results));
        }
        return rows;
    }
}
