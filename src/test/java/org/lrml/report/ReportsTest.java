package org.lrml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.data.ChwImage;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.eval.ApForm;
import org.lrml.eval.EvalResult;

/** metrics.json, charts and galleries: what is written, where, and that it can be read back. */
class ReportsTest {

    static EvalResult result(String setup, double map) {
        return new EvalResult("roxford5k", setup, ApForm.OXFORD, map, new double[]{0.5, 0.625, 0.75, 1.0}, 0.25,
                70, 0, 4993, 64, 1.5, new double[]{map});
    }

    @Test
    void metricsJsonHasTheHeadlineKeysAndSetups(@TempDir Path dir) throws IOException {
        Path f = MetricsJson.write(dir, result("", 0.4));
        Map<String, Object> m = MetricsJson.read(f);
        assertEquals(0.4, m.get("mAP"));
        assertEquals(0.5, m.get("recall@1"));
        assertEquals(0.625, m.get("recall@2"));
        assertEquals(0.75, m.get("recall@4"));
        assertEquals(1.0, m.get("recall@8"));
        assertEquals(0.25, m.get("mAP@R"));
        assertEquals(70, m.get("queries"));
        assertEquals(4993, m.get("database"));
        assertEquals("oxford", m.get("ap_form"));

        MetricsJson.write(dir, List.of(result("easy", 0.8), result("medium", 0.6), result("hard", 0.3)));
        Map<String, Object> multi = MetricsJson.read(f);
        assertEquals(0.6, multi.get("mAP"), "medium is the headline");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> setups = (Map<String, Map<String, Object>>) multi.get("setups");
        assertEquals(List.of("easy", "medium", "hard"), List.copyOf(setups.keySet()));
        assertEquals(0.3, setups.get("hard").get("mAP"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary files left behind");
        }
        EvalResult empty = new EvalResult("x", "", ApForm.STANDARD, Double.NaN,
                new double[]{Double.NaN, Double.NaN, Double.NaN, Double.NaN}, Double.NaN, 0, 3, 5, 2, 0, new double[3]);
        MetricsJson.write(dir, empty);
        assertTrue(MetricsJson.read(f).containsKey("mAP"));
        assertNull(MetricsJson.read(f).get("mAP"), "undefined metrics are null, not NaN (invalid JSON)");
    }

    static boolean hasColour(BufferedImage img, Color c) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void trainingCurvesAreAPngWithBothPanels(@TempDir Path dir) throws IOException {
        TrainingHistory h = new TrainingHistory();
        for (int e = 0; e < 3; e++) {
            for (int s = 0; s < 50; s++) {
                h.recordStep(1.0 / (1 + e * 50 + s) + 0.1);
            }
            h.recordEpoch(0.3 + 0.1 * e, 0.7 + 0.05 * e);
        }
        assertEquals(3, h.epochs());
        double firstMean = 0;
        for (int s = 0; s < 50; s++) {
            firstMean += (1.0 / (1 + s) + 0.1) / 50;
        }
        assertEquals(firstMean, h.epochLosses()[0], 1e-12);
        Path png = dir.resolve("curves.png");
        Plots.trainingCurves(png, h, "LRML");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Plots.PANEL_WIDTH, img.getWidth());
        assertEquals(2 * Plots.PANEL_HEIGHT, img.getHeight());
        assertTrue(hasColour(img, Plots.PALETTE[0]) && hasColour(img, Plots.PALETTE[1]), "both series drawn");
    }

    @Test
    void ticksAreNiceNumbers() {
        Plots.Ticks t = Plots.Ticks.of(0.013, 0.87, 6);
        assertEquals(0.2, t.step(), 1e-12);
        assertEquals(0.0, t.lo(), 1e-12);
        assertEquals(1.0, t.hi(), 1e-12);
        assertEquals("0.4", t.format(0.4));
        Plots.Ticks big = Plots.Ticks.of(3, 2870, 8);
        assertEquals(500, big.step(), 1e-9);
        assertEquals("2500", big.format(2500));
    }

    @Test
    void galleryFramesRelevantGreenAndIrrelevantRed(@TempDir Path dir) throws IOException {
        // Six 28 x 28 images, image i filled with i / 5; descriptors on a line so the ranking is known.
        int n = 6;
        float[] pixels = new float[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(pixels, i * 784, (i + 1) * 784, i / 5f);
        }
        int[] labels = {0, 0, 1, 0, 1, 1};
        LabeledImages set = new LabeledImages("toy", pixels, labels, 1, 28, 28, Normalization.NONE);
        float[] desc = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double t = i * 0.2;
            desc[2 * i] = (float) Math.cos(t);
            desc[2 * i + 1] = (float) Math.sin(t);
        }
        List<Gallery.Row> rows = Gallery.labeledRows(set, desc, set, desc, 2, new int[]{0, 5}, true, l -> "class " + l);
        assertEquals(5, rows.get(0).results().size(), "self excluded, five others");
        assertTrue(rows.get(0).results().get(0).relevant(), "image 1 shares label 0");
        assertTrue(!rows.get(0).results().get(1).relevant(), "image 2 has label 1");
        assertEquals(Math.cos(0.2), rows.get(0).results().get(0).similarity(), 1e-6);
        Path png = dir.resolve("gallery.png");
        Gallery.write(png, "toy gallery", rows);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(hasColour(img, Gallery.RELEVANT) && hasColour(img, Gallery.IRRELEVANT), "both frame colours");
        int cell = Gallery.THUMB + 2 * Gallery.FRAME + Gallery.PAD;
        // First result of the first row: its frame's top-left pixel is green.
        int x = Gallery.PAD + cell + 16;
        int y = 40;
        assertEquals(Gallery.RELEVANT.getRGB() & 0xffffff, img.getRGB(x + 1, y + 1) & 0xffffff);
        assertEquals(Gallery.IRRELEVANT.getRGB() & 0xffffff, img.getRGB(x + cell + 1, y + 1) & 0xffffff);
        // The 28 x 28 thumbnail is enlarged 3x with square pixels: image 1 is 1/5 gray = 51.
        int inside = img.getRGB(x + Gallery.FRAME + 40, y + Gallery.FRAME + 40) & 0xff;
        assertEquals(51, inside);
        // The query's caption is drawn in black below its cell.
        boolean dark = false;
        int captionTop = y + Gallery.THUMB + 2 * Gallery.FRAME + 2;
        for (int yy = captionTop; yy < captionTop + 30; yy++) {
            for (int xx = Gallery.PAD; xx < Gallery.PAD + Gallery.THUMB; xx++) {
                dark |= (img.getRGB(xx, yy) & 0xff) < 80;
            }
        }
        assertTrue(dark, "caption text visible under the query");
    }

    @Test
    void rgbThumbnailsShrinkToTheCell() {
        float[] d = new float[3 * 200 * 100];
        java.util.Arrays.fill(d, 0, 200 * 100, 1f);
        BufferedImage t = Gallery.thumbnail(new ChwImage(3, 200, 100, d));
        assertEquals(Gallery.THUMB, t.getHeight());
        assertEquals(Gallery.THUMB / 2, t.getWidth());
        assertEquals(0xff0000, t.getRGB(10, 10) & 0xffffff, "red channel only");
    }
}
