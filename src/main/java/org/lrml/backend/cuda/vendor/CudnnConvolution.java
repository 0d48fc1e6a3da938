package org.lrml.backend.cuda.vendor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.ScratchSource;
import org.lrml.backend.cuda.kernels.ConvKernels;
import org.lrml.util.Setting;

/**
 * Convolution through cuDNN's convolution API. Per geometry a plan holds the descriptors (x and y float32 NCHW
 * tensors, the filter (cOut, cIn / groups, kh, kw), a cross-correlation descriptor with padding, stride, dilation,
 * the group count and FMA math) and, per pass, the algorithm {@link ConvAlgorithms} chose with its workspace size;
 * the workspace is borrowed from the backend's caching allocator for each call. Each pass overwrites its output
 * (beta = 0), as the Backend contract says.
 *
 * <p>A geometry cuDNN cannot serve deterministically (no qualifying algorithm, a tensor over 2^31 elements) runs
 * on the built-in kernels, and the reason is kept for {@code lrml info}; when cuDNN was forced
 * ({@code -Dlrml.cuda.provider.conv=cudnn}) it is an error instead, so a comparison never measures the wrong
 * provider.
 */
public final class CudnnConvolution implements ConvProvider {
    public static final String WORKSPACE_PROPERTY = "lrml.cuda.cudnn.workspaceMiB";
    private static final int MAX_PLANS = 64;
    private static final int MAX_NOTES = 8;

    private final CudnnSession dnn;
    private final ScratchSource scratch;
    private final ConvProvider fallback;
    private final boolean strict;
    private final long workspaceLimit;
    private final String describe;
    private final Map<ConvGeometry, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);
    private final List<String> fallbacks = new ArrayList<>();

    /**
     * @param fallback the built-in kernels, for what cuDNN cannot serve
     * @param strict   true when cuDNN was forced: a fallback becomes an error
     */
    public CudnnConvolution(CudnnSession dnn, ScratchSource scratch, ConvProvider fallback, boolean strict,
                            String describe) {
        this.dnn = dnn;
        this.scratch = scratch;
        this.fallback = fallback;
        this.strict = strict;
        this.describe = describe;
        this.workspaceLimit = (long) workspaceMiB() << 20;
    }

    /** The largest workspace a call may take, in MiB ({@code -Dlrml.cuda.cudnn.workspaceMiB}, default 1024). */
    static int workspaceMiB() {
        return Setting.CUDA_CUDNN_WORKSPACE_MIB.intValue(1024, 0);
    }

    private enum Pass {
        FORWARD("forward"), BACKWARD_DATA("backward data"), BACKWARD_FILTER("backward filter");

        final String label;

        Pass(String label) {
            this.label = label;
        }
    }

    /** Descriptors of one geometry and the algorithm of each pass (chosen on first use). */
    private final class Plan {
        final ConvGeometry g;
        final String unsupported;
        Object x;
        Object w;
        Object y;
        Object conv;
        final ConvAlgorithms.Choice[] choices = new ConvAlgorithms.Choice[3];
        final long[] workspace = new long[3];

        Plan(ConvGeometry g) {
            this.g = g;
            this.unsupported = tooLarge(g);
            if (unsupported != null) {
                return;
            }
            try {
                x = dnn.tensor(g.n(), g.cIn(), g.h(), g.w());
                w = dnn.filter(g.cOut(), g.cInPerGroup(), g.kh(), g.kw());
                y = dnn.tensor(g.n(), g.cOut(), g.outH(), g.outW());
                conv = dnn.convolution(g.padH(), g.padW(), g.strideH(), g.strideW(), g.dilH(), g.dilW(), g.groups(),
                        CudnnSession.FMA_MATH);
                int[] dim = dnn.outputDim(conv, x, w);
                if (!Arrays.equals(dim, g.yShape())) {
                    throw new IllegalStateException("cuDNN computes output " + Arrays.toString(dim) + " for " + g
                            + " but the engine expects " + Arrays.toString(g.yShape()) + ": the descriptors disagree"
                            + " with ConvGeometry");
                }
            } catch (RuntimeException e) {
                destroy();
                throw e;
            }
        }

        ConvAlgorithms.Choice choice(Pass pass) {
            int i = pass.ordinal();
            if (choices[i] == null) {
                List<CudnnSession.AlgoPerf> perfs = switch (pass) {
                    case FORWARD -> dnn.forwardAlgorithms(x, w, conv, y);
                    case BACKWARD_DATA -> dnn.backwardDataAlgorithms(w, y, conv, x);
                    case BACKWARD_FILTER -> dnn.backwardFilterAlgorithms(x, y, conv, w);
                };
                ConvAlgorithms.Choice c = ConvAlgorithms.choose(perfs, workspaceLimit);
                if (c.found()) {
                    long asked = switch (pass) {
                        case FORWARD -> dnn.forwardWorkspace(x, w, conv, y, c.algo());
                        case BACKWARD_DATA -> dnn.backwardDataWorkspace(w, y, conv, x, c.algo());
                        case BACKWARD_FILTER -> dnn.backwardFilterWorkspace(x, y, conv, w, c.algo());
                    };
                    workspace[i] = Math.max(asked, c.memory());
                }
                choices[i] = c;
            }
            return choices[i];
        }

        void destroy() {
            for (Object d : new Object[]{x, w, y, conv}) {
                if (d != null) {
                    dnn.destroy(d);
                }
            }
            x = w = y = conv = null;
        }
    }

    /** cuDNN's 4-d descriptors take int sizes and its kernels index tensors of fewer than 2^31 elements. */
    private static String tooLarge(ConvGeometry g) {
        long nx = (long) g.n() * g.cIn() * g.h() * g.w();
        long ny = (long) g.n() * g.cOut() * g.outH() * g.outW();
        long nw = (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
        return Math.max(nx, Math.max(ny, nw)) > Integer.MAX_VALUE
                ? "a tensor of more than 2^31 - 1 elements, beyond cuDNN's 4-d descriptors" : null;
    }

    private Plan plan(ConvGeometry g) {
        Plan p = plans.get(g);
        if (p == null) {
            p = new Plan(g);
            plans.put(g, p);
            if (plans.size() > MAX_PLANS) {
                Map.Entry<ConvGeometry, Plan> eldest = plans.entrySet().iterator().next();
                plans.remove(eldest.getKey());
                eldest.getValue().destroy();
            }
        }
        return p;
    }

    /** The algorithm and workspace for a pass, or -1 after the fallback has been arranged (or refused). */
    private int algorithm(Plan p, Pass pass) {
        String why = p.unsupported;
        if (why == null) {
            ConvAlgorithms.Choice c = p.choice(pass);
            if (c.found()) {
                return c.algo();
            }
            why = c.reason();
        }
        String note = "conv2d " + pass.label + " " + p.g + ": " + why;
        if (strict) {
            throw new UnsupportedOperationException(note + "; the built-in kernels would serve it, but cuDNN was forced"
                    + " with -Dlrml.cuda.provider.conv=cudnn");
        }
        if (!fallbacks.contains(note) && fallbacks.size() < MAX_NOTES) {
            fallbacks.add(note);
        }
        return -1;
    }

    @Override
    public synchronized void forward(ConvGeometry g, Buf x, Buf w, Buf y) {
        ConvKernels.checkLengths("forward", g, x, w, y);
        Plan p = plan(g);
        int algo = algorithm(p, Pass.FORWARD);
        if (algo < 0) {
            fallback.forward(g, x, w, y);
            return;
        }
        long bytes = p.workspace[Pass.FORWARD.ordinal()];
        try (ScratchSource.Lease ws = lease(bytes, "cuDNN forward workspace for " + g)) {
            dnn.forward(1f, p.x, x.address(), p.w, w.address(), p.conv, algo, ws == null ? 0 : ws.address(), bytes, 0f,
                    p.y, y.address());
        }
    }

    @Override
    public synchronized void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx) {
        ConvKernels.checkLengths("backward data", g, dx, w, dy);
        Plan p = plan(g);
        int algo = algorithm(p, Pass.BACKWARD_DATA);
        if (algo < 0) {
            fallback.backwardData(g, dy, w, dx);
            return;
        }
        long bytes = p.workspace[Pass.BACKWARD_DATA.ordinal()];
        try (ScratchSource.Lease ws = lease(bytes, "cuDNN backward-data workspace for " + g)) {
            dnn.backwardData(1f, p.w, w.address(), p.y, dy.address(), p.conv, algo, ws == null ? 0 : ws.address(), bytes,
                    0f, p.x, dx.address());
        }
    }

    @Override
    public synchronized void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw) {
        ConvKernels.checkLengths("backward filter", g, x, dw, dy);
        Plan p = plan(g);
        int algo = algorithm(p, Pass.BACKWARD_FILTER);
        if (algo < 0) {
            fallback.backwardFilter(g, x, dy, dw);
            return;
        }
        long bytes = p.workspace[Pass.BACKWARD_FILTER.ordinal()];
        try (ScratchSource.Lease ws = lease(bytes, "cuDNN backward-filter workspace for " + g)) {
            dnn.backwardFilter(1f, p.x, x.address(), p.y, dy.address(), p.conv, algo, ws == null ? 0 : ws.address(),
                    bytes, 0f, p.w, dw.address());
        }
    }

    /** Workspace from the allocator; none (a null lease, address 0) when the algorithm needs none. */
    private ScratchSource.Lease lease(long bytes, String what) {
        return bytes > 0 ? scratch.scratch(bytes, what) : null;
    }

    /** The geometries and passes that ran on the built-in kernels, and why (at most a few). */
    public synchronized List<String> fallbacks() {
        return Collections.unmodifiableList(new ArrayList<>(fallbacks));
    }

    /** The algorithm cuDNN runs for a pass of a geometry ("forward", "backward data", "backward filter"); -1 if none. */
    public synchronized int algorithmFor(ConvGeometry g, String pass) {
        for (Pass p : Pass.values()) {
            if (p.label.equals(pass)) {
                Plan plan = plan(g);
                return plan.unsupported != null || !plan.choice(p).found() ? -1 : plan.choice(p).algo();
            }
        }
        throw new IllegalArgumentException("no convolution pass '" + pass + "' (forward, backward data, backward filter)");
    }

    @Override
    public synchronized void close() {
        try {
            for (Plan p : plans.values()) {
                p.destroy();
            }
            plans.clear();
        } finally {
            dnn.close();
        }
    }

    @Override
    public String toString() {
        return describe;
    }
}
