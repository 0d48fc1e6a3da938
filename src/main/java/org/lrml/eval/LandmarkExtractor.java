package org.lrml.eval;

import java.util.Arrays;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.data.BilinearResize;
import org.lrml.data.ChwImage;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;
import org.lrml.nn.LandmarkNet;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * A {@link LandmarkNet} as a descriptor extractor, one image at a time (landmark photos differ in size), in
 * inference mode without autograd. Images are prepared as cirtorch prepares them: RGB, the longer side resized to
 * the image size (bilinear, align_corners=False), normalised with the network's mean and std; a query cropped to
 * its box is scaled by the factor its whole image would be ({@link ImagePrep#cropsKeepScale()}).
 *
 * <p>Multi-scale (cirtorch's extract_ms): for each scale s the prepared image is resized by s (bilinear,
 * align_corners=False, PyTorch's scale-factor semantics; s = 1 leaves it as it is) and described;
 * v = (mean_s d_s^p)^(1/p) with p = {@link LandmarkNet#multiScaleExponent()} (GeM's p without whitening, else 1),
 * then v / ||v||. One scale of 1 is the plain descriptor.
 */
public final class LandmarkExtractor implements DescriptorExtractor {
    private final LandmarkNet net;
    private final Backend backend;
    private final ImagePrep prep;
    private final double[] scales;
    private final double exponent;

    public LandmarkExtractor(LandmarkNet net, Backend backend, int imageSize, double[] scales) {
        if (scales == null || scales.length == 0) {
            throw new IllegalArgumentException("multi-scale: give at least one scale");
        }
        for (double s : scales) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("multi-scale: scale " + s + " must be a positive number");
            }
        }
        this.net = net;
        this.backend = backend;
        this.scales = scales.clone();
        LandmarkNet.Spec spec = net.spec();
        this.prep = new ImagePrep(3, imageSize, new Normalization(spec.arch().cliName(), spec.mean(), spec.std()),
                ImagePrep.Resampling.BILINEAR, true);
        this.exponent = net.multiScaleExponent();
        net.train(false);
    }

    public LandmarkNet net() {
        return net;
    }

    public Backend backend() {
        return backend;
    }

    public double[] scales() {
        return scales.clone();
    }

    /** The exponent p of the multi-scale mean. */
    public double exponent() {
        return exponent;
    }

    @Override
    public ImagePrep prep() {
        return prep;
    }

    @Override
    public float[] extract(ChwImage image) {
        if (image.channels() != 3) {
            throw new IllegalArgumentException("landmark network: images must be RGB, got " + image.channels()
                    + " channels");
        }
        if (scales.length == 1 && scales[0] == 1.0) {
            return single(image);
        }
        int d = net.dim();
        double[] acc = new double[d];
        for (double s : scales) {
            float[] v = single(s == 1.0 ? image : BilinearResize.byFactor(image, s));
            for (int j = 0; j < d; j++) {
                acc[j] += exponent == 1.0 ? v[j] : Math.pow(v[j], exponent);
            }
        }
        double norm = 0;
        for (int j = 0; j < d; j++) {
            double mean = acc[j] / scales.length;
            acc[j] = exponent == 1.0 ? mean : Math.pow(mean, 1.0 / exponent);
            norm += acc[j] * acc[j];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) (acc[j] / norm);
        }
        return out;
    }

    private float[] single(ChwImage image) {
        try (NoGrad ng = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, image.data(), 1, 3, image.height(), image.width());
            return net.forward(x).toFloatArray();
        }
    }

    @Override
    public String toString() {
        return net.spec() + ", " + prep.longestSide() + " px, scales " + Arrays.toString(scales);
    }
}
