package org.lrml.train;

import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.tensor.Tensor;

/**
 * Images addressed by row number, handed to the network as tensors. Images may differ in size (landmark photos
 * keep their aspect ratio), so one request can yield several tensors; Fashion-MNIST yields one.
 */
public interface ImageSource {
    /** Number of images (rows 0 .. size-1). */
    int size();

    /**
     * The images of {@code rows}, in that order, as N x C x H x W tensors on the backend: consecutive rows of one
     * size share a tensor, so stacking the tensors' rows gives the rows in order. The tensors belong to the
     * caller's memory scope.
     */
    List<Tensor> tensors(int[] rows, Backend backend);
}
