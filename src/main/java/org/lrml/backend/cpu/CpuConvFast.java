package org.lrml.backend.cpu;

import org.lrml.backend.ConvGeometry;

/**
 * Float32 convolution: picks the fastest path that serves the geometry, each tested against the
 * reference loops of {@link CpuConv}.
 * <ul>
 *   <li>{@link CpuConvImplicit}, from {@value CpuConvImplicit#MIN_CHANNELS} inputs per tap (input channels per
 *       group, or a whole kernel row's KW C channels without groups and width dilation, so an RGB 7x7 stem
 *       qualifies) and output channels per group: forward (needs the Vector API), stride-1 backward data (the forward of the transposed
 *       geometry, so the input channels count as its outputs), and the filter gradient (from
 *       {@value CpuConvImplicit#MIN_CHANNELS} input channels), on a channels-last copy of the input, with no
 *       patch matrix for the forward.
 *   <li>{@link CpuConvPlanar}: one input plane at stride 1 (a grey-scale first layer), forward and filter
 *       gradient with lanes over positions or output channels instead of a nine-deep GEMM.
 *   <li>{@link CpuConvIm2col}: im2col + the packed GEMM, for few channels per group (the first layer of a
 *       network), strided backward data, and JVMs without the Vector API; and the forward of deep 1x1
 *       convolutions (ResNet's bottlenecks and projections), which are one GEMM per image with the weights
 *       packed once for the batch ({@link CpuConvIm2col#forwardPointwise}).
 * </ul>
 * Measured on the benchmark CNN's layers (single thread, bench/run ConvBench for the defaults): with 32 and
 * 64 input channels the channels-last path takes 60-75% of im2col's time in the forward and 55% in backward
 * data, because it never writes or packs the nine-times-larger patch matrix; with one input channel im2col
 * takes a quarter of its time, and with one output channel (the first layer's backward data) a sixth.
 */
final class CpuConvFast {
    private CpuConvFast() {
    }

    static void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        if (CpuConvIm2col.pointwiseAnyStride(g) && g.cIn() >= CpuConvImplicit.MIN_CHANNELS) {
            CpuConvIm2col.forwardPointwise(g, x, w, y);
        } else if (CpuConvImplicit.canForward(g)) {
            CpuConvImplicit.forward(g, x, w, y);
        } else if (CpuConvImplicit.AVAILABLE && CpuConvPlanar.serves(g)) {
            CpuConvPlanar.forward(g, x, w, y);
        } else {
            CpuConvIm2col.forward(g, x, w, y);
        }
    }

    static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        if (CpuConvImplicit.canBackwardData(g)) {
            CpuConvImplicit.backwardData(g, dy, w, dx);
        } else {
            CpuConvIm2col.backwardData(g, dy, w, dx);
        }
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        if (CpuConvImplicit.canBackwardFilter(g)) {
            CpuConvImplicit.backwardFilter(g, x, dy, dw);
        } else {
            CpuConvIm2col.backwardFilter(g, x, dy, dw);
        }
    }
}
