package org.lrml.train;

import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.data.LabeledImages;
import org.lrml.tensor.Tensor;

/**
 * Images of one size held in memory with a label each ({@link LabeledImages}), as a training set or an
 * evaluation source: any rows make one N x C x H x W tensor.
 */
public final class LabeledImageSet implements TrainingSet {
    private final LabeledImages images;
    private final int[] labels;

    public LabeledImageSet(LabeledImages images) {
        this.images = images;
        this.labels = images.labels();
    }

    public LabeledImages images() {
        return images;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public List<Tensor> tensors(int[] rows, Backend backend) {
        return List.of(Tensor.of(backend, images.batch(rows), rows.length, images.channels(), images.height(),
                images.width()));
    }
}
