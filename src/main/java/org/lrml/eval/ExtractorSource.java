package org.lrml.eval;

import java.io.IOException;

import org.lrml.data.BoundingBox;
import org.lrml.data.ImageFolder;

/**
 * Descriptors from image files: load (crop to the query box, resize, normalise as the extractor's
 * {@link DescriptorExtractor#prep()} says), then extract.
 */
public final class ExtractorSource implements DescriptorSource {
    private final ImageFolder images;
    private final DescriptorExtractor extractor;

    public ExtractorSource(ImageFolder images, DescriptorExtractor extractor) {
        this.images = images;
        this.extractor = extractor;
    }

    @Override
    public float[] describe(String image, BoundingBox box) throws IOException {
        return extractor.extract(images.load(image, box, extractor.prep()));
    }
}
