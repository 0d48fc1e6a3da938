package org.lrml.eval;

import java.io.IOException;

import org.lrml.data.BoundingBox;

/**
 * Descriptors of benchmark images by name: computed from image files by a network
 * ({@link ExtractorSource}) or looked up (precomputed descriptors, tests).
 */
@FunctionalInterface
public interface DescriptorSource {
    /** The descriptor of the named image, cropped to box first when box is not null (queries). */
    float[] describe(String image, BoundingBox box) throws IOException;
}
