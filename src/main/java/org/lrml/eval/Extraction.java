package org.lrml.eval;

import java.util.ArrayList;
import java.util.List;

import org.lrml.data.ImagePrep;
import org.lrml.data.Images;
import org.lrml.data.LabeledImages;

/** Runs an extractor over an image set in batches, checking the dimension it returns. */
final class Extraction {
    /** Images per extractAll call. */
    static final int BATCH = 256;

    private Extraction() {
    }

    /** Descriptors of every image of the set, n x D row-major. */
    static float[] describe(LabeledImages images, DescriptorExtractor extractor) {
        int n = images.size();
        float[] out = null;
        int d = -1;
        ImagePrep prep = extractor.prep();
        boolean asStored = prep.channels() == images.channels() && prep.normalization().equals(images.normalization())
                && (prep.longestSide() == 0 || prep.longestSide() == Math.max(images.height(), images.width()));
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            List<org.lrml.data.ChwImage> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                batch.add(asStored ? images.image(i) : Images.prepare(images.displayImage(i), prep));
            }
            float[] desc = extractor.extractAll(batch);
            int bd = desc.length / (to - from);
            if (bd * (to - from) != desc.length || bd == 0) {
                throw new IllegalStateException("extractor returned " + desc.length + " values for " + (to - from)
                        + " images of " + images.name() + "; expected images x dimension");
            }
            if (out == null) {
                d = bd;
                out = new float[n * d];
            } else if (bd != d) {
                throw new IllegalStateException("extractor returned descriptors of dimension " + bd + " after " + d);
            }
            System.arraycopy(desc, 0, out, from * d, desc.length);
        }
        return out == null ? new float[0] : out;
    }
}
