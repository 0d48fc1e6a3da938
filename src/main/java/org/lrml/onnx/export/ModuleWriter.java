package org.lrml.onnx.export;

import static org.lrml.onnx.export.GraphBuilder.floatAttr;
import static org.lrml.onnx.export.GraphBuilder.in;
import static org.lrml.onnx.export.GraphBuilder.ints;

import java.util.Map;

import org.lrml.nn.BasicBlock;
import org.lrml.nn.BatchNorm2d;
import org.lrml.nn.Bottleneck;
import org.lrml.nn.Conv2d;
import org.lrml.nn.Gem;
import org.lrml.nn.L2Norm;
import org.lrml.nn.Linear;
import org.lrml.nn.Mac;
import org.lrml.nn.MaxPool2d;
import org.lrml.nn.Module;
import org.lrml.nn.Relu;
import org.lrml.nn.ResNet;
import org.lrml.nn.Rmac;
import org.lrml.nn.Sequential;
import org.lrml.nn.Spoc;
import org.lrml.nn.Vgg16;
import org.lrml.ops.L2Normalize;
import org.lrml.tensor.Tensor;

/**
 * Writes the engine's modules as ONNX nodes, each exactly as its {@code forward} computes (the ONNX Runtime tests
 * hold the two to 1e-5): convolutions, batch norm in inference mode (running statistics), ReLU, max pooling,
 * ResNet blocks with their shortcut, the poolings (GeM as Clip - Pow - ReduceMean - Pow with p an initializer, so a
 * runtime reads the learned p; MAC as ReduceMax; SPoC as ReduceMean; R-MAC as Slice - ReduceMax per region), linear
 * layers as Gemm, L2 normalisation as ReduceL2 - Clip - Div (the engine divides by max(||x||, eps), so a zero row
 * stays zero as in the engine instead of becoming NaN as LpNormalization would make it). Initializers are named by
 * the parameters' state-dict keys ({@code features.layer1.0.conv1.weight}), so an exported file maps back to the
 * engine's checkpoint by name.
 */
final class ModuleWriter {
    private final GraphBuilder g;
    /** The trunk's output height and width when fixed (R-MAC's regions need them), else null. */
    private final int[] mapSize;

    ModuleWriter(GraphBuilder g, int[] mapSize) {
        this.g = g;
        this.mapSize = mapSize == null ? null : mapSize.clone();
    }

    /** The nodes of {@code m} applied to the value {@code x}; returns the output's name. */
    String write(Module m, String path, String x) {
        if (m instanceof Sequential || m instanceof Vgg16) {
            return sequence(m, path, x);
        }
        if (m instanceof Conv2d c) {
            return conv(c, path, x);
        }
        if (m instanceof BatchNorm2d bn) {
            return batchNorm(bn, path, x);
        }
        if (m instanceof Relu) {
            return g.node("Relu", path, in(x));
        }
        if (m instanceof MaxPool2d p) {
            return maxPool(p, path, x);
        }
        if (m instanceof ResNet r) {
            return resNet(r, path, x);
        }
        if (m instanceof BasicBlock || m instanceof Bottleneck) {
            return block(m, path, x);
        }
        if (m instanceof Gem gem) {
            return gem(gem, path, x);
        }
        if (m instanceof Mac) {
            return g.reduce("ReduceMax", path, x, new int[]{2, 3}, false);
        }
        if (m instanceof Spoc) {
            return g.reduce("ReduceMean", path, x, new int[]{2, 3}, false);
        }
        if (m instanceof Rmac r) {
            return rmac(r, path, x);
        }
        if (m instanceof Linear l) {
            return linear(l, path, x);
        }
        if (m instanceof L2Norm n) {
            return l2(path, x, n.eps());
        }
        throw new IllegalArgumentException("export: the module " + path + " (" + m.getClass().getSimpleName()
                + ") has no ONNX form");
    }

    /** Children in registration order, which is their order of execution in Sequential and Vgg16. */
    private String sequence(Module m, String path, String x) {
        String h = x;
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            h = write(e.getValue(), join(path, e.getKey()), h);
        }
        return h;
    }

    private String param(Module m, String path, String name) {
        Tensor t = m.namedParameters().get(name);
        if (t == null) {
            t = m.namedBuffers().get(name);
        }
        return g.initializer(join(path, name), t.shape(), t.toFloatArray());
    }

    private String conv(Conv2d c, String path, String x) {
        int[] s = c.stride();
        int[] p = c.padding();
        int[] d = c.dilation();
        int[] k = c.namedParameters().get("weight").shape();
        String w = param(c, path, "weight");
        return g.node("Conv", path, c.hasBias() ? in(x, w, param(c, path, "bias")) : in(x, w),
                ints("kernel_shape", k[2], k[3]), ints("strides", s[0], s[1]), ints("pads", p[0], p[1], p[0], p[1]),
                ints("dilations", d[0], d[1]), ints("group", c.groups()));
    }

    private String batchNorm(BatchNorm2d bn, String path, String x) {
        String scale;
        String bias;
        if (bn.isAffine()) {
            scale = param(bn, path, "weight");
            bias = param(bn, path, "bias");
        } else {
            int c = bn.namedBuffers().get("running_mean").size(0);
            scale = g.initializer(join(path, "ones"), new int[]{c}, filled(c, 1f));
            bias = g.initializer(join(path, "zeros"), new int[]{c}, new float[c]);
        }
        return g.node("BatchNormalization", path, in(x, scale, bias, param(bn, path, "running_mean"),
                param(bn, path, "running_var")), floatAttr("epsilon", (float) bn.eps()),
                floatAttr("momentum", (float) (1 - bn.momentum())));
    }

    private String maxPool(MaxPool2d m, String path, String x) {
        int[] k = m.kernel();
        int[] s = m.stride();
        int[] p = m.padding();
        return g.node("MaxPool", path, in(x), ints("kernel_shape", k[0], k[1]), ints("strides", s[0], s[1]),
                ints("pads", p[0], p[1], p[0], p[1]));
    }

    /** conv1, bn1, ReLU, the stem's max pool, layer1..layer4 (ResNet.stages). */
    private String resNet(ResNet r, String path, String x) {
        Map<String, Module> c = r.children();
        String h = write(c.get("conv1"), join(path, "conv1"), x);
        h = write(c.get("bn1"), join(path, "bn1"), h);
        h = g.node("Relu", join(path, "relu"), in(h));
        h = maxPool(r.stemPool(), join(path, "maxpool"), h);
        for (int l = 1; l <= 4; l++) {
            h = write(c.get("layer" + l), join(path, "layer" + l), h);
        }
        return h;
    }

    /** relu(bn_last(conv_last(... relu(bn1(conv1 x))))) + shortcut, then ReLU (BasicBlock and Bottleneck). */
    private String block(Module b, String path, String x) {
        Map<String, Module> c = b.children();
        int convs = c.containsKey("conv3") ? 3 : 2;
        String h = x;
        for (int i = 1; i <= convs; i++) {
            h = write(c.get("conv" + i), join(path, "conv" + i), h);
            h = write(c.get("bn" + i), join(path, "bn" + i), h);
            if (i < convs) {
                h = g.node("Relu", join(path, "relu" + i), in(h));
            }
        }
        String identity = c.containsKey("downsample") ? write(c.get("downsample"), join(path, "downsample"), x) : x;
        return g.node("Relu", join(path, "relu"), in(g.node("Add", path, in(h, identity))));
    }

    /** ((1/HW) sum max(x, eps)^p)^(1/p): Clip, Pow, ReduceMean over H and W, Pow by Reciprocal(p). */
    private String gem(Gem gem, String path, String x) {
        String p = param(gem, path, "p");
        String clipped = g.node("Clip", path, in(x, g.scalar(join(path, "eps"), (float) gem.eps())));
        String powered = g.node("Pow", path, in(clipped, p));
        String mean = g.reduce("ReduceMean", path, powered, new int[]{2, 3}, false);
        return g.node("Pow", path, in(mean, g.node("Reciprocal", path, in(p))));
    }

    /** n(MAC(x)) + sum over regions n(MAC(region)), n(v) = v / (sqrt(max(sum v^2, 1e-24)) + eps); static regions. */
    private String rmac(Rmac r, String path, String x) {
        if (mapSize == null) {
            throw new IllegalArgumentException("export: R-MAC's regions depend on the feature map's size, so a network"
                    + " with R-MAC pooling needs a fixed input size (--input-size HxW)");
        }
        String y = rmacTerm(path, g.reduce("ReduceMax", path, x, new int[]{2, 3}, false));
        for (org.lrml.ops.Rmac.Region reg : org.lrml.ops.Rmac.regions(mapSize[0], mapSize[1], r.levels())) {
            String part = g.node("Slice", join(path, "region"), in(x,
                    g.longs(path + "/starts", reg.top(), reg.left()),
                    g.longs(path + "/ends", reg.top() + reg.side(), reg.left() + reg.side()),
                    g.longs(path + "/axes", 2, 3)));
            y = g.node("Add", path, in(y, rmacTerm(path, g.reduce("ReduceMax", path, part, new int[]{2, 3}, false))));
        }
        return y;
    }

    private String rmacTerm(String path, String v) {
        String squares = g.reduce("ReduceSumSquare", path, v, new int[]{1}, true);
        String norm = g.node("Sqrt", path, in(g.node("Clip", path, in(squares, g.scalar(path + "/tiny", 1e-24f)))));
        String denom = g.node("Add", path, in(norm, g.scalar(path + "/eps", (float) org.lrml.ops.Rmac.DEFAULT_EPS)));
        return g.node("Div", path, in(v, denom));
    }

    private String linear(Linear l, String path, String x) {
        String w = param(l, path, "weight");
        return g.node("Gemm", path, l.bias() != null ? in(x, w, param(l, path, "bias")) : in(x, w),
                ints("transB", 1));
    }

    /** x / max(||x||, eps) over the last axis. */
    String l2(String path, String x, double eps) {
        String norm = g.reduce("ReduceL2", path, x, new int[]{-1}, true);
        String clipped = g.node("Clip", path, in(norm, g.scalar(join(path, "eps"), (float) eps)));
        return g.node("Div", path, in(x, clipped));
    }

    String l2(String path, String x) {
        return l2(path, x, L2Normalize.DEFAULT_EPS);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
