package org.lrml.testutil;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.lrml.util.Rng;

/**
 * A small Fashion-MNIST-shaped data set (gzip IDX files, 28x28 gray, labels 0-9) for end-to-end tests:
 * each label draws a bar at its own position and angle on noise, so a network can learn it in a few steps.
 */
public final class TinyFashion {
    private TinyFashion() {
    }

    public static Path write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        split(dir, "train", train, seed);
        split(dir, "t10k", test, seed + 1);
        return dir;
    }

    private static void split(Path dir, String prefix, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream io = new DataOutputStream(img);
        DataOutputStream lo = new DataOutputStream(lab);
        io.writeInt(0x803);
        io.writeInt(n);
        io.writeInt(28);
        io.writeInt(28);
        lo.writeInt(0x801);
        lo.writeInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            lo.writeByte(label);
            double angle = Math.PI * label / 10 + 0.15 * rng.nextGaussian();
            double cx = 14 + 2 * rng.nextGaussian();
            double cy = 14 + 2 * rng.nextGaussian();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double dist = Math.abs((x - cx) * Math.sin(angle) - (y - cy) * Math.cos(angle));
                    double v = (dist < 2.5 ? 200 : 20) + 25 * rng.nextGaussian();
                    io.writeByte((int) Math.max(0, Math.min(255, v)));
                }
            }
        }
        gz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), img.toByteArray());
        gz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), lab.toByteArray());
    }

    private static void gz(Path file, byte[] bytes) throws IOException {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }
}
