package org.lrml.data;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.testutil.Agreement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Resizing against torch.nn.functional.interpolate(mode='bilinear', align_corners=False) itself (outputs committed by
 * src/test/resources/landmark/images/make_images.py): to a size, and by cirtorch's multi-scale factors. The same
 * arithmetic in float32; PyTorch's vectorised kernel rounds a few ulps differently (relative 1e-6 seen), hence 1e-5.
 */
class BilinearResizeTest {
    static final Path DIR = Path.of("src/test/resources/landmark/images");

    static ChwImage src() throws IOException {
        NpyArray a = Npy.read(DIR.resolve("src.npy"));
        return new ChwImage(a.shape()[0], a.shape()[1], a.shape()[2], a.toFloats());
    }

    static void check(String file, ChwImage ours) throws IOException {
        NpyArray ref = Npy.read(DIR.resolve(file));
        Agreement.check("interpolate " + file, ref.shape(), ref.toFloats(),
                new int[]{ours.channels(), ours.height(), ours.width()}, ours.data(), 1e-5);
    }

    @Test
    void toSizeMatchesTorch() throws IOException {
        for (int[] s : new int[][]{{64, 92}, {20, 29}, {37, 64}, {8, 5}}) {
            check("resize_" + s[0] + "x" + s[1] + ".npy", BilinearResize.toSize(src(), s[0], s[1]));
        }
    }

    @Test
    void byFactorMatchesTorch() throws IOException {
        for (String f : new String[]{"0.7071", "0.5", "1.3"}) {
            check("scale_" + f + ".npy", BilinearResize.byFactor(src(), Double.parseDouble(f)));
        }
    }

    @Test
    void theSameSizeIsNotResampled() throws IOException {
        ChwImage img = src();
        assertArrayEquals(img.data(), BilinearResize.toSize(img, 37, 53).data());
        assertArrayEquals(img.data(), BilinearResize.longestSide(img, 53).data());
        NpyArray torchSame = Npy.read(DIR.resolve("resize_37x53.npy"));
        assertArrayEquals(torchSame.toFloats(), img.data(), "PyTorch leaves it unchanged too");
    }

    @Test
    void longestSideKeepsTheAspect() throws IOException {
        ChwImage r = BilinearResize.longestSide(src(), 92);
        assertEquals(64, r.height());
        assertEquals(92, r.width());
        check("resize_64x92.npy", r);
    }
}
