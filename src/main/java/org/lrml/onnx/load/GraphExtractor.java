package org.lrml.onnx.load;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.data.ChwImage;
import org.lrml.data.ImagePrep;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.ops.L2Normalize;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * An imported ONNX graph as a descriptor extractor: one image at a time (images differ in size), the graph's output
 * flattened to a row and L2-normalised (a no-op for graphs that end in a normalisation already, and what cosine
 * ranking needs from those that do not).
 */
public final class GraphExtractor implements DescriptorExtractor {
    private final GraphNet net;
    private final Backend backend;
    private final ImagePrep prep;

    public GraphExtractor(GraphNet net, Backend backend, ImagePrep prep) {
        this.net = net;
        this.backend = backend;
        this.prep = prep;
        net.to(backend);
        net.train(false);
    }

    @Override
    public ImagePrep prep() {
        return prep;
    }

    @Override
    public float[] extract(ChwImage image) {
        try (NoGrad ng = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, image.data(), 1, image.channels(), image.height(), image.width());
            Tensor y = net.forward(x);
            return L2Normalize.apply(y.reshape(1, -1)).toFloatArray();
        }
    }
}
