package org.lrml.eval;

import java.util.List;

import org.lrml.data.ChwImage;
import org.lrml.data.ImagePrep;

/**
 * What the evaluation needs from a network: descriptors of images. The trainer's model implements it
 * (inference mode, no autograd); tests use simple hand-made ones.
 */
public interface DescriptorExtractor {

    /** How image files must be prepared for {@link #extract} (channels, size, normalisation). */
    ImagePrep prep();

    /** The descriptor (D floats, unit length for cosine ranking) of one prepared image. */
    float[] extract(ChwImage image);

    /**
     * Descriptors of several images, row-major n x D. Images of one size may be batched by an
     * implementation; the default extracts one at a time.
     */
    default float[] extractAll(List<ChwImage> images) {
        float[][] rows = new float[images.size()][];
        int d = -1;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = extract(images.get(i));
            if (d >= 0 && rows[i].length != d) {
                throw new IllegalStateException("extractor returned descriptors of " + d + " and " + rows[i].length
                        + " values; every descriptor must have the same dimension");
            }
            d = rows[i].length;
        }
        float[] out = new float[rows.length * Math.max(d, 0)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }
}
