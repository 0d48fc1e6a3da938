package org.lrml.backend.cpu;

import java.util.List;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Optim;

/**
 * Optimiser steps over many tensors in one call, with PyTorch's update rules (torch.optim.SGD and
 * Adam/AdamW of 1.13, single-tensor path). All tensors are treated as one concatenated index space cut
 * into fixed-size chunks, so a model with many small tensors (biases, GeM's p) still spreads over the
 * threads; every element is updated independently, so results do not depend on the thread count.
 *
 * <p>Precision: each element's update is computed in double from the stored values; results are
 * rounded to the tensor's dtype where PyTorch stores a tensor (the parameter after AdamW's decay, the
 * parameter after the step, the momentum and moment buffers), and temporaries (the weight-decayed
 * gradient, Adam's denominator) stay in double. Stored state is therefore exactly what the next step
 * reads, which is what makes a resumed run continue bit for bit.
 */
final class CpuOptim implements Optim {
    /** The family as the CPU backend hands it out. */
    static final CpuOptim INSTANCE = new CpuOptim();

    /** Elements per parallel chunk. */
    private static final int GRAIN = 1 << 15;

    private CpuOptim() {
    }

    /** Body over the elements [from, to) of tensor t. */
    @FunctionalInterface
    private interface SegmentBody {
        void run(int t, int from, int to);
    }

    @Override
    public void sgd(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd,
                    double momentum, double dampening, boolean nesterov, boolean firstStep) {
        String op = "sgdStep";
        int count = checkLists(op, params, grads, lr, wd);
        if (velocities == null && momentum != 0) {
            throw new IllegalArgumentException(op + ": momentum " + momentum + " needs velocity buffers, got null");
        }
        CpuStorage[] p = cast(params);
        CpuStorage[] g = cast(grads);
        CpuStorage[] v = velocities == null || momentum == 0 ? null : cast(velocities);
        for (int i = 0; i < count; i++) {
            requireMatch(op, "grad", i, p[i], g[i]);
            if (v != null) {
                requireMatch(op, "velocity", i, p[i], v[i]);
            }
        }
        forSegments(p, (t, from, to) -> {
            if (p[t].isF32()) {
                sgdF32(p[t].f(), g[t].f(), v == null ? null : v[t].f(), from, to, lr[t], wd[t], momentum,
                        dampening, nesterov, firstStep);
            } else {
                sgdF64(p[t].d(), g[t].d(), v == null ? null : v[t].d(), from, to, lr[t], wd[t], momentum,
                        dampening, nesterov, firstStep);
            }
        });
    }

    private static void sgdF32(float[] p, float[] g, float[] v, int from, int to, double lr, double wd,
                               double momentum, double dampening, boolean nesterov, boolean first) {
        for (int i = from; i < to; i++) {
            double d = wd != 0 ? g[i] + wd * p[i] : g[i];
            if (v != null) {
                v[i] = (float) (first ? d : momentum * v[i] + (1 - dampening) * d);
                d = nesterov ? d + momentum * v[i] : v[i];
            }
            p[i] = (float) (p[i] - lr * d);
        }
    }

    private static void sgdF64(double[] p, double[] g, double[] v, int from, int to, double lr, double wd,
                               double momentum, double dampening, boolean nesterov, boolean first) {
        for (int i = from; i < to; i++) {
            double d = wd != 0 ? g[i] + wd * p[i] : g[i];
            if (v != null) {
                v[i] = first ? d : momentum * v[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * v[i] : v[i];
            }
            p[i] = p[i] - lr * d;
        }
    }

    @Override
    public void adam(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v, double[] lr,
                     double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t) {
        String op = decoupled ? "adamWStep" : "adamStep";
        int count = checkLists(op, params, grads, lr, wd);
        if (m == null || v == null || m.size() != count || v.size() != count) {
            throw new IllegalArgumentException(op + ": needs " + count + " first and second moment buffers, got "
                    + (m == null ? "null" : m.size()) + " and " + (v == null ? "null" : v.size()));
        }
        if (t < 1) {
            throw new IllegalArgumentException(op + ": step t = " + t + " must be >= 1 (bias correction is 1-based)");
        }
        CpuStorage[] p = cast(params);
        CpuStorage[] g = cast(grads);
        CpuStorage[] ms = cast(m);
        CpuStorage[] vs = cast(v);
        for (int i = 0; i < count; i++) {
            requireMatch(op, "grad", i, p[i], g[i]);
            requireMatch(op, "first moment", i, p[i], ms[i]);
            requireMatch(op, "second moment", i, p[i], vs[i]);
        }
        // The scalars PyTorch computes in Python double before touching any tensor.
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        forSegments(p, (k, from, to) -> {
            double stepSize = lr[k] / bc1;
            double decay = decoupled ? 1 - lr[k] * wd[k] : 1;
            double l2 = decoupled ? 0 : wd[k];
            if (p[k].isF32()) {
                adamF32(p[k].f(), g[k].f(), ms[k].f(), vs[k].f(), from, to, decay, l2, beta1, beta2, eps,
                        stepSize, bc2Sqrt);
            } else {
                adamF64(p[k].d(), g[k].d(), ms[k].d(), vs[k].d(), from, to, decay, l2, beta1, beta2, eps,
                        stepSize, bc2Sqrt);
            }
        });
    }

    private static void adamF32(float[] p, float[] g, float[] m, float[] v, int from, int to, double decay,
                                double l2, double beta1, double beta2, double eps, double stepSize, double bc2Sqrt) {
        for (int i = from; i < to; i++) {
            if (decay != 1) {
                p[i] = (float) (p[i] * decay);
            }
            double gi = l2 != 0 ? g[i] + l2 * p[i] : g[i];
            m[i] = (float) (beta1 * m[i] + (1 - beta1) * gi);
            v[i] = (float) (beta2 * v[i] + (1 - beta2) * gi * gi);
            double denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
            p[i] = (float) (p[i] - stepSize * m[i] / denom);
        }
    }

    private static void adamF64(double[] p, double[] g, double[] m, double[] v, int from, int to, double decay,
                                double l2, double beta1, double beta2, double eps, double stepSize, double bc2Sqrt) {
        for (int i = from; i < to; i++) {
            if (decay != 1) {
                p[i] = p[i] * decay;
            }
            double gi = l2 != 0 ? g[i] + l2 * p[i] : g[i];
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            double denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
            p[i] = p[i] - stepSize * m[i] / denom;
        }
    }

    // ---------------------------------------------------------------- checks and the chunked walk

    private static int checkLists(String op, List<Storage> params, List<Storage> grads, double[] lr, double[] wd) {
        if (params == null || grads == null || lr == null || wd == null) {
            throw new IllegalArgumentException(op + ": params, grads, lr and wd must not be null");
        }
        int count = params.size();
        if (grads.size() != count || lr.length != count || wd.length != count) {
            throw new IllegalArgumentException(op + ": " + count + " params but " + grads.size() + " grads, "
                    + lr.length + " learning rates and " + wd.length + " weight decays (one each per tensor)");
        }
        return count;
    }

    private static CpuStorage[] cast(List<Storage> list) {
        CpuStorage[] out = new CpuStorage[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = CpuStorage.of(list.get(i));
        }
        return out;
    }

    private static void requireMatch(String op, String what, int i, CpuStorage param, CpuStorage other) {
        if (other.length() != param.length() || other.dtype() != param.dtype()) {
            throw new IllegalArgumentException(op + ": tensor " + i + ": " + what + " " + other
                    + " does not match the parameter " + param);
        }
    }

    /**
     * Runs body over every element of every tensor, the tensors laid end to end and cut into chunks of
     * {@link #GRAIN} elements; a chunk may span the tail of one tensor and the head of the next.
     */
    private static void forSegments(CpuStorage[] tensors, SegmentBody body) {
        long[] start = new long[tensors.length + 1];
        for (int i = 0; i < tensors.length; i++) {
            start[i + 1] = start[i] + tensors[i].length();
        }
        long total = start[tensors.length];
        int chunks = Math.toIntExact((total + GRAIN - 1) / GRAIN);
        CpuParallel.forChunks(chunks, c -> {
            long from = (long) c * GRAIN;
            long to = Math.min(total, from + GRAIN);
            int t = java.util.Arrays.binarySearch(start, from);
            // The first tensor whose range contains 'from' (skipping empty tensors that start there too).
            t = t >= 0 ? t : -t - 2;
            while (t < tensors.length - 1 && start[t + 1] <= from) {
                t++;
            }
            for (long pos = from; pos < to && t < tensors.length; t++) {
                long end = Math.min(to, start[t + 1]);
                if (end > pos) {
                    body.run(t, (int) (pos - start[t]), (int) (end - start[t]));
                    pos = end;
                }
            }
        });
    }
}
