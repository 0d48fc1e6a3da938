package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in PyTorch), NCHW:
 * x (N, C, H, W), w (O, C/G, KH, KW), optional b (O) -> y (N, O, OH, OW) with
 * OH = (H + 2 pH - dH (KH - 1) - 1) / sH + 1 (likewise OW), G groups, group of channel o: g = o / (O/G),
 * <pre>
 *   y[n,o,i,j] = b[o] + sum_{c &lt; C/G, ki, kj} x[n, g C/G + c, i sH - pH + ki dH, j sW - pW + kj dW] w[o,c,ki,kj]
 * </pre>
 * (terms outside the input are zero).
 * <p>Backward: dx = the transposed convolution of dy with w (the backend's conv2dBackwardData),
 * dw[o,c,ki,kj] = sum_{n,i,j} dy[n,o,i,j] x[n, g C/G + c, i sH - pH + ki dH, j sW - pW + kj dW]
 * (conv2dBackwardFilter), db[o] = sum_{n,i,j} dy[n,o,i,j].
 */
public final class Conv2d {
    private Conv2d() {
    }

    /** Square stride, padding and dilation. */
    public static Tensor apply(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return apply(x, w, bias, new int[]{stride, stride}, new int[]{padding, padding},
                new int[]{dilation, dilation}, groups);
    }

    /** Stride, padding and dilation as {height, width}. */
    public static Tensor apply(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation,
                               int groups) {
        Backend be = Kernels.sameBackend("conv2d", x, w, bias);
        ConvGeometry g = geometry(x.shape(), w.shape(), bias == null ? null : bias.shape(), stride, padding, dilation,
                groups);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        be.conv().forward(g, x.storage(), w.storage(), y.storage());
        int o = g.cOut();
        int s = g.outH() * g.outW();
        if (bias != null) {
            Tensor ones = Tensor.ones(be, x.dtype(), o);
            be.batchnorm().channelAffine(y.storage(), g.n(), o, s, ones.storage(), bias.storage(), y.storage());
        }
        return Autograd.record("conv2d", y, (dy, needs) -> {
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            if (needs[0]) {
                dx = Tensor.empty(be, x.dtype(), g.xShape());
                be.conv().backwardData(g, dy.storage(), w.storage(), dx.storage());
            }
            if (needs[1]) {
                dw = Tensor.empty(be, x.dtype(), g.wShape());
                be.conv().backwardFilter(g, x.storage(), dy.storage(), dw.storage());
            }
            if (needs[2]) {
                Tensor sums = Kernels.reduceKeep("conv2d bias gradient", ReduceOp.SUM, dy,
                        new boolean[]{true, false, true, true});
                db = Tensor.wrap(sums.storage(), o);
            }
            return new Tensor[]{dx, dw, db};
        }, x, w, bias);
    }

    /** The geometry of x and w, or an error that names both shapes and the rule they break. */
    static ConvGeometry geometry(int[] xs, int[] ws, int[] bs, int[] stride, int[] padding, int[] dilation,
                                 int groups) {
        String shapes = "x " + Shape.str(xs) + ", weight " + Shape.str(ws) + (bs == null ? "" : ", bias " + Shape.str(bs));
        if (xs.length != 4 || ws.length != 4) {
            throw new IllegalArgumentException("conv2d: x must be (N, C, H, W) and weight (O, C/groups, KH, KW), got "
                    + shapes);
        }
        if (stride.length != 2 || padding.length != 2 || dilation.length != 2) {
            throw new IllegalArgumentException("conv2d: stride, padding and dilation are {height, width} pairs");
        }
        if (groups < 1 || xs[1] % groups != 0 || ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide the input channels and the"
                    + " output channels: " + shapes);
        }
        if (ws[1] * groups != xs[1]) {
            throw new IllegalArgumentException("conv2d: weight expects " + ws[1] + " x " + groups + " = "
                    + ws[1] * groups + " input channels (groups=" + groups + ") but x has " + xs[1] + ": " + shapes);
        }
        if (bs != null && (bs.length != 1 || bs[0] != ws[0])) {
            throw new IllegalArgumentException("conv2d: bias must be (" + ws[0] + "), one value per output channel: "
                    + shapes);
        }
        try {
            return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride[0], stride[1],
                    padding[0], padding[1], dilation[0], dilation[1], groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + shapes + ")", e);
        }
    }
}
