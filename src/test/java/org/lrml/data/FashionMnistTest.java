package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST loading on small IDX folders, and on the real data set where it is installed. */
class FashionMnistTest {

    static void writeSplit(Path dir, FashionMnist.Split split, int count, int[] labels, boolean gz) throws IOException {
        byte[] img = IdxTest.images(count, 28, 28, split.ordinal());
        byte[] lab = IdxTest.labels(labels);
        Files.write(dir.resolve(split.imagesFile() + (gz ? ".gz" : "")), gz ? IdxTest.gzip(img) : img);
        Files.write(dir.resolve(split.labelsFile() + (gz ? ".gz" : "")), gz ? IdxTest.gzip(lab) : lab);
    }

    @Test
    void pixelsBecomeUnitFloatsOrStandardised(@TempDir Path dir) throws IOException {
        writeSplit(dir, FashionMnist.Split.TEST, 5, new int[]{5, 0, 9, 7, 5}, true);
        LabeledImages raw = FashionMnist.load(dir, FashionMnist.Split.TEST, Normalization.NONE);
        LabeledImages std = FashionMnist.load(dir, FashionMnist.Split.TEST, Normalization.FASHION_MNIST);
        assertEquals(5, raw.size());
        assertEquals(28, raw.height());
        assertArrayEquals(new int[]{5, 0, 9, 7, 5}, raw.labels());
        // Image 1, pixel 3: byte (784 + 3) * 37 + 1 mod 256.
        int b = ((784 + 3) * 37 + 1) & 0xff;
        assertEquals(b / 255f, raw.image(1).data()[3], 0f);
        assertEquals((b / 255f - 0.2860f) / 0.3530f, std.image(1).data()[3], 1e-6f);
        assertEquals(b / 255f, std.displayImage(1).data()[3], 1e-6f, "display undoes the normalisation");
    }

    @Test
    void unseenSubsetIsAViewInOriginalOrder(@TempDir Path dir) throws IOException {
        writeSplit(dir, FashionMnist.Split.TRAIN, 6, new int[]{5, 1, 9, 4, 6, 0}, false);
        LabeledImages all = FashionMnist.load(dir, FashionMnist.Split.TRAIN, Normalization.NONE);
        LabeledImages unseen = all.withLabels(FashionMnist.UNSEEN_LABELS);
        LabeledImages seen = all.withLabels(FashionMnist.SEEN_LABELS);
        assertArrayEquals(new int[]{5, 9, 6}, unseen.labels());
        assertArrayEquals(new int[]{1, 4, 0}, seen.labels());
        assertEquals(4, unseen.sourceIndex(2));
        assertArrayEquals(all.image(4).data(), unseen.image(2).data());
        float[] batch = unseen.batch(new int[]{2, 0});
        assertEquals(all.image(4).data()[100], batch[100], 0f);
        assertEquals(all.image(0).data()[100], batch[784 + 100], 0f);
        assertEquals("Ankle boot", FashionMnist.className(9));
        assertEquals("T-shirt/top", FashionMnist.className(0));
    }

    @Test
    void mismatchedAndMissingFilesAreExplained(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN, Normalization.NONE));
        assertTrue(missing.getMessage().contains("apt-get install dataset-fashion-mnist")
                && missing.getMessage().contains("--data DIR")
                && missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());

        byte[] img = IdxTest.images(3, 28, 28, 0);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), img);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxTest.labels(1, 2));
        IOException count = assertThrows(IOException.class,
                () -> FashionMnist.load(dir, FashionMnist.Split.TEST, Normalization.NONE));
        assertTrue(count.getMessage().contains("3 images but") && count.getMessage().contains("2 labels"),
                count.getMessage());
    }

    @Test
    void realDataSetMatchesItsPublishedStatistics() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR),
                "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist)");
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, Normalization.NONE);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST, Normalization.NONE);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertEquals(5000, test.withLabels(FashionMnist.UNSEEN_LABELS).size());
        double sum = 0;
        double sq = 0;
        float[] all = train.range(0, train.size());
        for (float v : all) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / all.length;
        double std = Math.sqrt(sq / all.length - mean * mean);
        assertEquals(FashionMnist.MEAN, mean, 5e-5, "training-set mean");
        assertEquals(FashionMnist.STD, std, 5e-5, "training-set std");
    }
}
