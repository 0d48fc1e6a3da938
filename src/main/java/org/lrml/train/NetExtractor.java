package org.lrml.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.data.ChwImage;
import org.lrml.data.FashionMnist;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.nn.RetrievalNet;
import org.lrml.util.Rng;

/**
 * A trained network as a descriptor extractor (inference mode, no autograd): images are prepared the way
 * the network was trained (its input channels, Fashion-MNIST normalisation, longest side 28 unless told
 * otherwise -- the network is fully convolutional with global pooling, so any size works), and images of
 * equal size are batched.
 */
public final class NetExtractor implements DescriptorExtractor {
    private final RetrievalNet net;
    private final Backend backend;
    private final ImagePrep prep;
    private final int batch;

    public NetExtractor(RetrievalNet net, Backend backend, int longestSide, int batch) {
        this.net = net;
        this.backend = backend;
        this.prep = new ImagePrep(net.config().inChannels(), longestSide,
                net.config().inChannels() == 1 ? Normalization.FASHION_MNIST : Normalization.IMAGENET);
        this.batch = batch;
    }

    /**
     * The network of a checkpoint, on the backend (cpu, cuda or auto). A checkpoint that does not read, or whose
     * tensors do not fit its config's network, is an IOException naming the file.
     */
    public static NetExtractor load(Path checkpoint, String backendName, int longestSide) throws IOException {
        NetCheckpoint read = NetCheckpoint.read(checkpoint);
        Checkpoint c = read.checkpoint();
        TrainConfig cfg = read.config();
        RetrievalNet net = new RetrievalNet(cfg.net(), new Rng(cfg.schedule().seed()).fork(0));
        try {
            net.loadStateDict(c.modelTensors());
        } catch (IllegalArgumentException e) {
            throw NetCheckpoint.doesNotFit(checkpoint, "model", e);
        }
        Backend b = Backends.byName(backendName);
        net.to(b);
        net.train(false);
        return new NetExtractor(net, b, longestSide, cfg.schedule().describeBatch());
    }

    /** As {@link #load(Path, String, int)} with the automatic backend and 28-pixel images. */
    public static NetExtractor load(Path checkpoint) throws IOException {
        return load(checkpoint, "auto", FashionMnist.SIZE);
    }

    public RetrievalNet net() {
        return net;
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public ImagePrep prep() {
        return prep;
    }

    @Override
    public float[] extract(ChwImage image) {
        return net.describe(image.data(), 1, image.height(), image.width(), 1, backend);
    }

    @Override
    public float[] extractAll(List<ChwImage> images) {
        int d = net.config().dim();
        float[] out = new float[images.size() * d];
        int i = 0;
        while (i < images.size()) {
            // A run of images with one size goes through the network together.
            ChwImage first = images.get(i);
            int j = i;
            List<ChwImage> run = new ArrayList<>();
            while (j < images.size() && images.get(j).height() == first.height() && images.get(j).width() == first.width()
                    && images.get(j).channels() == first.channels()) {
                run.add(images.get(j++));
            }
            int per = first.channels() * first.height() * first.width();
            float[] pixels = new float[run.size() * per];
            for (int r = 0; r < run.size(); r++) {
                System.arraycopy(run.get(r).data(), 0, pixels, r * per, per);
            }
            float[] desc = net.describe(pixels, run.size(), first.height(), first.width(), batch, backend);
            System.arraycopy(desc, 0, out, i * d, desc.length);
            i = j;
        }
        return out;
    }
}
