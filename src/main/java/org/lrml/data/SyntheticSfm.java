package org.lrml.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import javax.imageio.ImageIO;

import org.lrml.io.PickleWriter;

/**
 * A small data set in SfM-120k's format (the pickle and the ims/ layout of {@link SfmDataset}) for tests and
 * demonstrations: each cluster is one random scene (coloured rectangles and ellipses on a gradient), its images
 * random crops of that scene with colour jitter and noise, saved as JPEG files named by their cid without an
 * extension, as cirtorch's distribution names them. The val split has scenes of its own, so it is held out.
 * Each image is a pair's query once, its positive another image of the same cluster.
 *
 * <p>The same spec and seed give the same files byte for byte on one JDK (its JPEG encoder writes them).
 * {@code java -cp target/lrml.jar org.lrml.data.SyntheticSfm OUT [train-clusters val-clusters per-cluster size]}
 * writes one ({@code scripts/make-sfm-toy.sh}).
 */
public final class SyntheticSfm {
    private static final int SCENE_W = 200;
    private static final int SCENE_H = 150;

    private SyntheticSfm() {
    }

    /**
     * @param trainClusters   scenes of the train split
     * @param valClusters     scenes of the val split
     * @param imagesPerCluster images per scene (at least 2, so each image has a positive)
     * @param longestSide     the images' longer side in pixels
     * @param seed            seed of every drawing
     */
    public record Spec(int trainClusters, int valClusters, int imagesPerCluster, int longestSide, long seed) {
        public Spec {
            if (trainClusters < 2 || valClusters < 2 || imagesPerCluster < 2 || longestSide < 16) {
                throw new IllegalArgumentException("synthetic SfM set: need >= 2 clusters per split, >= 2 images per"
                        + " cluster and a longer side >= 16 px, got " + trainClusters + ", " + valClusters + ", "
                        + imagesPerCluster + ", " + longestSide);
            }
        }

        /** 12 train and 6 val scenes of 8 images, 96 px: about 150 files, half a megabyte. */
        public static Spec small() {
            return new Spec(12, 6, 8, 96, 1);
        }
    }

    /** Writes the set into {@code dir} (created if needed): the pickle and ims/. */
    public static void write(Path dir, Spec spec) throws IOException {
        Random rng = new Random(spec.seed());
        Set<String> used = new HashSet<>();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("train", split(dir, spec, spec.trainClusters(), 0, rng, used));
        root.put("val", split(dir, spec, spec.valClusters(), spec.trainClusters(), rng, used));
        Files.createDirectories(dir);
        PickleWriter.write(dir.resolve(SfmDataset.PICKLE), root);
    }

    private static Map<String, Object> split(Path dir, Spec spec, int clusters, int firstCluster, Random rng,
                                             Set<String> used) throws IOException {
        List<String> cids = new ArrayList<>();
        List<Integer> cluster = new ArrayList<>();
        List<Integer> q = new ArrayList<>();
        List<Integer> p = new ArrayList<>();
        int n = spec.imagesPerCluster();
        for (int c = 0; c < clusters; c++) {
            BufferedImage scene = scene(rng);
            int first = cids.size();
            for (int i = 0; i < n; i++) {
                String cid = newCid(rng, used);
                BufferedImage img = view(scene, spec.longestSide(), rng);
                Path file = SfmWhitening.expectedPath(dir.resolve("ims"), cid);
                Files.createDirectories(file.getParent());
                if (!ImageIO.write(img, "jpg", file.toFile())) {
                    throw new IOException("synthetic SfM set: no JPEG writer in this JDK");
                }
                cids.add(cid);
                cluster.add(firstCluster + c);
            }
            for (int i = 0; i < n; i++) {
                int other = (i + 1 + rng.nextInt(n - 1)) % n;
                q.add(first + i);
                p.add(first + other);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cids", cids);
        m.put("cluster", cluster);
        m.put("qidxs", q);
        m.put("pidxs", p);
        return m;
    }

    /** A 32-hex-digit id like cirtorch's, never repeated. */
    private static String newCid(Random rng, Set<String> used) {
        while (true) {
            String cid = String.format(Locale.ROOT, "%016x%016x", rng.nextLong(), rng.nextLong());
            if (used.add(cid)) {
                return cid;
            }
        }
    }

    /** A scene: a two-colour gradient with a dozen filled shapes. */
    private static BufferedImage scene(Random rng) {
        BufferedImage img = new BufferedImage(SCENE_W, SCENE_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new java.awt.GradientPaint(0, 0, randomColor(rng), SCENE_W, SCENE_H, randomColor(rng)));
            g.fillRect(0, 0, SCENE_W, SCENE_H);
            for (int s = 0; s < 12; s++) {
                g.setColor(randomColor(rng));
                int w = 15 + rng.nextInt(70);
                int h = 15 + rng.nextInt(70);
                int x = rng.nextInt(SCENE_W - 10) - 5;
                int y = rng.nextInt(SCENE_H - 10) - 5;
                if (rng.nextBoolean()) {
                    g.fillRect(x, y, w, h);
                } else {
                    g.fillOval(x, y, w, h);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static Color randomColor(Random rng) {
        return new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256));
    }

    /**
     * A random 4:3 crop of 60-90% of the scene's width, scaled to the longer side, with colour jitter and noise.
     * Every image has the same size, so a batch of them is one tensor (real photos differ; the loader takes both).
     */
    private static BufferedImage view(BufferedImage scene, int longest, Random rng) {
        int m = (int) (SCENE_W / 4 * (0.6 + 0.3 * rng.nextDouble()));
        int cw = 4 * m;
        int ch = 3 * m;
        int x0 = rng.nextInt(SCENE_W - cw + 1);
        int y0 = rng.nextInt(SCENE_H - ch + 1);
        double scale = (double) longest / Math.max(cw, ch);
        int w = Math.max(1, (int) Math.round(cw * scale));
        int h = Math.max(1, (int) Math.round(ch * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(scene, 0, 0, w, h, x0, y0, x0 + cw, y0 + ch, null);
        } finally {
            g.dispose();
        }
        double[] gain = new double[3];
        double[] shift = new double[3];
        for (int c = 0; c < 3; c++) {
            gain[c] = 0.85 + 0.3 * rng.nextDouble();
            shift[c] = 20 * (rng.nextDouble() - 0.5);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = out.getRGB(x, y);
                int v = 0;
                for (int c = 0; c < 3; c++) {
                    int channel = (rgb >> (16 - 8 * c)) & 0xff;
                    double jittered = channel * gain[c] + shift[c] + 6 * rng.nextGaussian();
                    v = (v << 8) | (int) Math.max(0, Math.min(255, Math.round(jittered)));
                }
                out.setRGB(x, y, v);
            }
        }
        return out;
    }

    /**
     * Writes a set: {@code OUT [train-clusters val-clusters images-per-cluster longest-side]} (defaults of
     * {@link Spec#small()}).
     *
     * @param args the output folder, then optionally the four sizes
     * @throws IOException when the folder cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 5) {
            System.err.println("usage: SyntheticSfm OUT [train-clusters val-clusters images-per-cluster longest-side]");
            System.exit(2);
        }
        Spec d = Spec.small();
        Spec spec = args.length == 1 ? d : new Spec(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), d.seed());
        write(Path.of(args[0]), spec);
        System.out.println("wrote an SfM-format set (" + spec + ") to " + args[0]);
    }
}
