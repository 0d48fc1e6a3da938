package org.lrml.train;

import java.util.Arrays;
import java.util.function.IntConsumer;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.report.ProgressBar;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * Descriptors of images by the current network in inference mode, without autograd, in batches of a fixed
 * number of images (spec section 2, step 2; section 7). The same batches every time, so numbers repeat bit for
 * bit. The network's training flag is restored afterwards.
 */
public final class Descriptors {
    private final RetrievalModel model;
    private final Backend backend;
    private final int batch;

    public Descriptors(RetrievalModel model, Backend backend, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("descriptors: the batch must hold at least one image, got " + batch);
        }
        this.model = model;
        this.backend = backend;
        this.batch = batch;
    }

    /** Descriptor size D. */
    public int dim() {
        return model.dim();
    }

    /** Descriptors of the given rows, rows.length x D floats. */
    public float[] of(ImageSource images, int[] rows) {
        return of(images, rows, done -> { });
    }

    /** As {@link #of(ImageSource, int[])}, telling {@code progress} the number of images done after each batch. */
    public float[] of(ImageSource images, int[] rows, IntConsumer progress) {
        int d = model.dim();
        float[] out = new float[rows.length * d];
        boolean was = model.isTraining();
        model.setTraining(false);
        try (NoGrad ng = NoGrad.enter()) {
            for (int from = 0; from < rows.length; from += batch) {
                int count = Math.min(batch, rows.length - from);
                try (MemoryScope scope = MemoryScope.open()) {
                    int at = from;
                    for (Tensor x : images.tensors(Arrays.copyOfRange(rows, from, from + count), backend)) {
                        float[] desc = model.forward(x).toFloatArray();
                        System.arraycopy(desc, 0, out, at * d, desc.length);
                        at += x.size(0);
                    }
                }
                progress.accept(from + count);
            }
        } finally {
            model.setTraining(was);
        }
        return out;
    }

    /** Descriptors of every image of the source, with a progress bar labelled {@code label}. */
    public float[] all(ImageSource images, String label) {
        int[] rows = new int[images.size()];
        Arrays.setAll(rows, i -> i);
        try (ProgressBar bar = new ProgressBar(label, rows.length)) {
            return of(images, rows, bar::set);
        }
    }
}
