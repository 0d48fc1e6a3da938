package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Query crops: resized like a whole image, or (cirtorch) by the factor of their whole image. */
class CropScaleTest {
    static final Path IMAGE = Path.of("src/test/resources/landmark/images/baseline.jpg");

    @Test
    void cropsKeepTheirImagesScaleWhenAsked() throws IOException {
        BoundingBox box = new BoundingBox(0, 0, 16, 12);
        ImagePrep landmark = new ImagePrep(3, 64, Normalization.NONE, ImagePrep.Resampling.BILINEAR, true);
        ChwImage q = Images.load(IMAGE, box, landmark);
        // The 32-px wide image would be scaled by 2, so the 16 x 12 crop becomes 32 x 24.
        assertEquals(24, q.height());
        assertEquals(32, q.width());
        ChwImage whole = Images.load(IMAGE, null, landmark);
        assertEquals(64, whole.width());
        ImagePrep plain = new ImagePrep(3, 64, Normalization.NONE, ImagePrep.Resampling.BILINEAR, false);
        assertEquals(64, Images.load(IMAGE, box, plain).width());
        // At the image's own size, a crop is not resampled at all (Oxford/Paris at 1024 px).
        ImagePrep native32 = new ImagePrep(3, 32, Normalization.NONE, ImagePrep.Resampling.BILINEAR, true);
        ChwImage same = Images.load(IMAGE, box, native32);
        ChwImage cropped = Images.crop(ImageDecoder.decode(IMAGE), box);
        assertEquals(16, same.width());
        org.junit.jupiter.api.Assertions.assertArrayEquals(cropped.data(), same.data());
    }
}
