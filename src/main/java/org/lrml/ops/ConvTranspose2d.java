package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * 2-D transposed convolution (PyTorch's conv_transpose2d, ONNX ConvTranspose), NCHW:
 * x (N, C, H, W), w (C, O/G, KH, KW), optional b (O) -> y (N, O, OH, OW) with G groups (input channel c belongs to
 * group g = c / (C/G) and feeds the output channels g O/G + o', o' &lt; O/G), pads (top, left, bottom, right),
 * output padding (oph, opw) and dilation:
 * <pre>
 *   OH = (H - 1) sH - pTop - pBottom + dH (KH - 1) + oph + 1          (likewise OW)
 *   y[n, g O/G + o', i, j] = b[g O/G + o'] + sum over c in g, h, v, ki, kj with
 *                            h sH - pTop + ki dH = i and v sW - pLeft + kj dW = j of x[n,c,h,v] w[c,o',ki,kj]
 * </pre>
 * Each input cell scatters its kernel-weighted copy to stride-spaced places of an uncropped output of
 * L = (H - 1) sH + dH (KH - 1) + 1 rows; the pads crop it, the output padding adds rows at the bottom (zero
 * unless a bottom pad cropped real ones). This is the adjoint of {@link Conv2d}: the backend's conv backward
 * data computes it, for the convolution from the (padded) output back to x.
 * <p>Where an axis has 0 &lt;= oph + pTop - pBottom &lt; sH (symmetric pads with oph &lt; sH, PyTorch's every case) the
 * convolution takes pad pTop and the output directly, with no copy; otherwise the axis is computed uncropped and
 * the output is cut out of it by one strided copy (and the gradient padded back by one).
 * <p>Backward, with dŷ the gradient of the (uncropped) computed output: dx = conv2d(dŷ, w) (the forward
 * convolution), dw[c,o',ki,kj] = sum_{n,h,v} x[n,c,h,v] dŷ[n, g O/G + o', h sH - p + ki dH, v sW - p' + kj dW]
 * (conv backward filter with dŷ as input and x as output gradient), db[o] = sum_{n,i,j} dy[n,o,i,j].
 */
public final class ConvTranspose2d {
    private ConvTranspose2d() {
    }

    /** Pads (top, left, bottom, right) and output padding (height, width): what ONNX's attributes resolve to. */
    public record Padding(int[] pads, int[] outputPadding) {
    }

    /** PyTorch's form: square stride, symmetric padding, output padding and dilation. */
    public static Tensor apply(Tensor x, Tensor w, Tensor bias, int stride, int padding, int outputPadding,
                               int dilation, int groups) {
        return apply(x, w, bias, new int[]{stride, stride}, new int[]{padding, padding, padding, padding},
                new int[]{outputPadding, outputPadding}, new int[]{dilation, dilation}, groups);
    }

    /**
     * Stride, output padding and dilation as {height, width}; pads as {top, left, bottom, right} (ONNX's order; a
     * PyTorch padding p is {p, p, p, p}).
     */
    public static Tensor apply(Tensor x, Tensor w, Tensor bias, int[] stride, int[] pads, int[] outputPadding,
                               int[] dilation, int groups) {
        Backend be = Kernels.sameBackend("convTranspose2d", x, w, bias);
        Plan p = plan(x.shape(), w.shape(), bias == null ? null : bias.shape(), stride, pads, outputPadding, dilation,
                groups);
        ConvGeometry g = p.conv;
        Tensor core = Tensor.empty(be, x.dtype(), g.xShape());
        be.conv().backwardData(g, x.storage(), w.storage(), core.storage());
        Tensor y = p.direct() ? core : p.cut(be, core);
        if (bias != null) {
            int[] ys = y.shape();
            Tensor ones = Tensor.ones(be, x.dtype(), ys[1]);
            be.batchnorm().channelAffine(y.storage(), ys[0], ys[1], ys[2] * ys[3], ones.storage(), bias.storage(),
                    y.storage());
        }
        return Autograd.record("convTranspose2d", y, (dy, needs) -> {
            Tensor dcore = p.direct() ? dy : p.uncut(be, dy);
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            if (needs[0]) {
                dx = Tensor.empty(be, x.dtype(), x.shape());
                be.conv().forward(g, dcore.storage(), w.storage(), dx.storage());
            }
            if (needs[1]) {
                dw = Tensor.empty(be, x.dtype(), w.shape());
                be.conv().backwardFilter(g, dcore.storage(), x.storage(), dw.storage());
            }
            if (needs[2]) {
                Tensor sums = Kernels.reduceKeep("convTranspose2d bias gradient", ReduceOp.SUM, dy,
                        new boolean[]{true, false, true, true});
                db = Tensor.wrap(sums.storage(), dy.shape()[1]);
            }
            return new Tensor[]{dx, dw, db};
        }, x, w, bias);
    }

    /**
     * ONNX's ConvTranspose attributes resolved to explicit pads and output padding for input spatial size inHW.
     * outputShape (null when absent) wins over pads and auto_pad's sizes: total padding
     * max(0, s (in - 1) + op + dil (k - 1) + 1 - out) split by autoPad (SAME_UPPER: the odd cell at the end, else
     * at the beginning, as ONNX 1.12's operator text says and its node tests test_convtranspose_autopad_same and
     * test_convtranspose_output_shape check), and any output still missing becomes output padding. Without it,
     * SAME_UPPER / SAME_LOWER aim at out = in s the same way, VALID pads nothing and NOTSET keeps pads (null = 0).
     */
    public static Padding onnxPadding(AutoPad autoPad, int[] inHW, int[] kernel, int[] stride, int[] dilation,
                                      int[] outputPadding, int[] pads, int[] outputShape) {
        int[] s = stride == null ? new int[]{1, 1} : stride;
        int[] d = dilation == null ? new int[]{1, 1} : dilation;
        int[] op = outputPadding == null ? new int[2] : outputPadding.clone();
        int[] p = pads == null ? new int[4] : pads.clone();
        if (inHW.length != 2 || kernel.length != 2 || s.length != 2 || d.length != 2 || op.length != 2 || p.length != 4
                || (outputShape != null && outputShape.length != 2)) {
            throw new IllegalArgumentException("convTranspose2d: 2-D attributes need 2 values each (pads 4), got input "
                    + Shape.str(inHW) + ", kernel " + Shape.str(kernel) + ", strides " + Shape.str(s) + ", dilations "
                    + Shape.str(d) + ", output_padding " + Shape.str(op) + ", pads " + Shape.str(p)
                    + (outputShape == null ? "" : ", output_shape " + Shape.str(outputShape)));
        }
        if (outputShape == null && !autoPad.isSame()) {
            return new Padding(autoPad == AutoPad.VALID ? new int[4] : p, op);
        }
        for (int a = 0; a < 2; a++) {
            int natural = s[a] * (inHW[a] - 1) + op[a] + d[a] * (kernel[a] - 1) + 1;
            int out = outputShape != null ? outputShape[a] : inHW[a] * s[a];
            int total = Math.max(0, natural - out);
            int[] split = autoPad == AutoPad.SAME_UPPER ? AutoPad.SAME_UPPER.split(total) : AutoPad.SAME_LOWER.split(total);
            p[a] = split[0];
            p[a + 2] = split[1];
            op[a] += out - (natural - total);
        }
        return new Padding(p, op);
    }

    /**
     * How the output is computed: the convolution geometry whose backward data gives the (possibly uncropped)
     * output, and per axis the offset of the output inside it (0 where the axis needs no cut).
     */
    private record Plan(ConvGeometry conv, int n, int o, int oh, int ow, int offH, int offW) {

        boolean direct() {
            return offH == 0 && offW == 0 && conv.h() == oh && conv.w() == ow;
        }

        /** y = the output window of the computed core, zero where it reaches past the core. */
        Tensor cut(Backend be, Tensor core) {
            Tensor y = Tensor.zeros(be, core.dtype(), n, o, oh, ow);
            int rows = Math.min(oh, conv.h() - offH);
            int cols = Math.min(ow, conv.w() - offW);
            if (rows > 0 && cols > 0) {
                be.layout().copyStrided(core.storage(), (long) offH * conv.w() + offW, Shape.strides(core.shape()),
                        y.storage(), 0, Shape.strides(y.shape()), new int[]{n, o, rows, cols});
            }
            return y;
        }

        /** The adjoint of {@link #cut}: dy placed at the output window of a zero core-shaped gradient. */
        Tensor uncut(Backend be, Tensor dy) {
            Tensor d = Tensor.zeros(be, dy.dtype(), conv.xShape());
            int rows = Math.min(oh, conv.h() - offH);
            int cols = Math.min(ow, conv.w() - offW);
            if (rows > 0 && cols > 0) {
                be.layout().copyStrided(dy.storage(), 0, Shape.strides(dy.shape()), d.storage(),
                        (long) offH * conv.w() + offW, Shape.strides(conv.xShape()), new int[]{n, o, rows, cols});
            }
            return d;
        }
    }

    /** The plan for these shapes, or an error that names the op, the shapes and the rule they break. */
    private static Plan plan(int[] xs, int[] ws, int[] bs, int[] stride, int[] pads, int[] outputPadding,
                             int[] dilation, int groups) {
        String shapes = "x " + Shape.str(xs) + ", weight " + Shape.str(ws) + (bs == null ? "" : ", bias " + Shape.str(bs));
        if (xs.length != 4 || ws.length != 4) {
            throw new IllegalArgumentException("convTranspose2d: x must be (N, C, H, W) and weight (C, O/groups, KH, KW),"
                    + " got " + shapes);
        }
        if (stride.length != 2 || pads.length != 4 || outputPadding.length != 2 || dilation.length != 2) {
            throw new IllegalArgumentException("convTranspose2d: stride, output padding and dilation are {height, width}"
                    + " pairs and pads {top, left, bottom, right}, got " + stride.length + ", " + outputPadding.length
                    + ", " + dilation.length + " and " + pads.length + " values");
        }
        if (groups < 1 || xs[1] % groups != 0) {
            throw new IllegalArgumentException("convTranspose2d: groups=" + groups + " must divide the input channels: "
                    + shapes);
        }
        if (ws[0] != xs[1]) {
            throw new IllegalArgumentException("convTranspose2d: weight expects " + ws[0] + " input channels but x has "
                    + xs[1] + ": " + shapes);
        }
        int o = ws[1] * groups;
        if (bs != null && (bs.length != 1 || bs[0] != o)) {
            throw new IllegalArgumentException("convTranspose2d: bias must be (" + o + "), one value per output channel: "
                    + shapes);
        }
        for (int a = 0; a < 2; a++) {
            if (stride[a] < 1 || dilation[a] < 1 || outputPadding[a] < 0 || pads[a] < 0 || pads[a + 2] < 0) {
                throw new IllegalArgumentException("convTranspose2d: strides and dilations must be >= 1, pads and output"
                        + " padding >= 0, got stride " + Shape.str(stride) + " pads " + Shape.str(pads)
                        + " output padding " + Shape.str(outputPadding) + " dilation " + Shape.str(dilation));
            }
        }
        int[] out = new int[2];
        int[] core = new int[2];
        int[] pad = new int[2];
        int[] off = new int[2];
        for (int a = 0; a < 2; a++) {
            int extent = dilation[a] * (ws[2 + a] - 1) + 1;
            int uncropped = (xs[2 + a] - 1) * stride[a] + extent;
            out[a] = uncropped - pads[a] - pads[a + 2] + outputPadding[a];
            if (out[a] < 1) {
                throw new IllegalArgumentException("convTranspose2d: output " + (a == 0 ? "height " : "width ") + out[a]
                        + " < 1: pads " + Shape.str(pads) + " crop more than the " + uncropped + " cells of the"
                        + " uncropped output (" + shapes + ")");
            }
            int span = out[a] + 2 * pads[a] - extent;
            if (span >= 0 && span / stride[a] + 1 == xs[2 + a]) {
                core[a] = out[a];        // the convolution's own padding does the crop
                pad[a] = pads[a];
            } else {
                core[a] = uncropped;     // computed whole, then cut
                off[a] = pads[a];
            }
        }
        try {
            ConvGeometry g = new ConvGeometry(xs[0], o, core[0], core[1], xs[1], ws[2], ws[3], stride[0], stride[1],
                    pad[0], pad[1], dilation[0], dilation[1], groups);
            return new Plan(g, xs[0], o, out[0], out[1], off[0], off[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("convTranspose2d: " + e.getMessage() + " (" + shapes + ")", e);
        }
    }
}
