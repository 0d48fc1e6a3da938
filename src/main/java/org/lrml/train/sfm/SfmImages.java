package org.lrml.train.sfm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.data.ChwImage;
import org.lrml.data.ImageDecoder;
import org.lrml.data.ImagePrep;
import org.lrml.data.Images;
import org.lrml.data.Normalization;
import org.lrml.data.SfmSplit;
import org.lrml.tensor.Tensor;
import org.lrml.train.ImageSource;

/**
 * The images of one SfM-120k split as network input, read from disk on every request (a 20000-image pool at 362
 * px would take 23 GB held in memory): decoded as Pillow decodes them, shrunk so the longer side is at most the
 * image size as cirtorch's training loader does ({@code img.thumbnail}, antialiased; smaller images keep their
 * size), normalised with the network's mean and std. Consecutive rows of one size share a tensor.
 */
public final class SfmImages implements ImageSource {
    private final SfmSplit split;
    private final int imageSize;
    private final Normalization normalization;

    /**
     * @param split         the split's images
     * @param imageSize     the largest longer side
     * @param normalization the network's input statistics
     */
    public SfmImages(SfmSplit split, int imageSize, Normalization normalization) {
        this.split = split;
        this.imageSize = imageSize;
        this.normalization = normalization;
    }

    public SfmSplit split() {
        return split;
    }

    @Override
    public int size() {
        return split.size();
    }

    @Override
    public List<Tensor> tensors(int[] rows, Backend backend) {
        List<Tensor> out = new ArrayList<>();
        List<ChwImage> run = new ArrayList<>();
        for (int row : rows) {
            ChwImage img = input(row);
            if (!run.isEmpty() && (run.get(0).height() != img.height() || run.get(0).width() != img.width())) {
                out.add(stack(run, backend));
                run.clear();
            }
            run.add(img);
        }
        if (!run.isEmpty()) {
            out.add(stack(run, backend));
        }
        return out;
    }

    /** The network input of a row. An unreadable file is an error naming it. */
    public ChwImage input(int row) {
        ChwImage img = shrunk(row, imageSize);
        return img.normalized(normalization);
    }

    /** The row's picture in [0, 1] with its longer side at most {@code size}, for galleries. */
    public ChwImage display(int row, int size) {
        return shrunk(row, size);
    }

    private ChwImage shrunk(int row, int size) {
        ChwImage img;
        try {
            img = ImageDecoder.decode(split.files().get(row));
        } catch (IOException e) {
            throw new UncheckedIOException("SfM-120k " + split.name() + " image " + split.cids().get(row) + " ("
                    + split.files().get(row) + "): " + e.getMessage(), e);
        }
        if (img.channels() != 3) {
            img = Images.prepare(img, new ImagePrep(3, 0, Normalization.NONE));
        }
        if (Math.max(img.height(), img.width()) > size) {
            img = Images.resizeLongestSide(img, size, ImagePrep.Resampling.ANTIALIASED);
        }
        return img;
    }

    private static Tensor stack(List<ChwImage> images, Backend backend) {
        ChwImage first = images.get(0);
        int each = first.data().length;
        float[] data = new float[each * images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).data(), 0, data, i * each, each);
        }
        return Tensor.of(backend, data, images.size(), first.channels(), first.height(), first.width());
    }
}
