package org.lrml.eval;

import java.io.IOException;
import java.nio.file.Path;

/** Turns a training checkpoint into a descriptor extractor (the trainer provides the implementation). */
@FunctionalInterface
public interface ExtractorLoader {
    DescriptorExtractor load(Path checkpoint) throws IOException;
}
