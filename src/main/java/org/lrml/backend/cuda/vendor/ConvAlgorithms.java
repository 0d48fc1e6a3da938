package org.lrml.backend.cuda.vendor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lrml.backend.cuda.vendor.CudnnSession.AlgoPerf;

/**
 * Which cuDNN algorithm a convolution pass uses: the first of cuDNN's heuristic list (best first) that ran
 * (status 0), is deterministic (so two runs agree bit for bit: backward data ALGO_0 and backward filter ALGO_0 /
 * ALGO_3 accumulate with atomics and are not), does not report tensor-core math (the descriptor asks for
 * CUDNN_FMA_MATH, which already rules TF32 out; a tensor-op entry is refused as a second guard) and needs no more
 * workspace than the limit. Heuristics, not cudnnFind*: Find times every algorithm
 * and picks by measured time, so two runs of the same program could pick different algorithms and disagree in
 * the last bits; heuristics give the same choice every run for the same library and GPU.
 */
public final class ConvAlgorithms {
    /** cudnnMathType_t values that allow tensor cores (TF32 for float32 data). */
    private static final int TENSOR_OP_MATH = 1;
    private static final int TENSOR_OP_MATH_ALLOW_CONVERSION = 2;

    private ConvAlgorithms() {
    }

    /** The chosen algorithm and the workspace cuDNN reported for it, or why none qualifies. */
    public record Choice(int algo, long memory, String reason) {
        public boolean found() {
            return reason == null;
        }
    }

    public static Choice choose(List<AlgoPerf> perfs, long workspaceLimit) {
        List<String> rejected = new ArrayList<>();
        for (AlgoPerf p : perfs) {
            String why = rejection(p, workspaceLimit);
            if (why == null) {
                return new Choice(p.algo(), p.memory(), null);
            }
            rejected.add("algo " + p.algo() + " " + why);
        }
        return new Choice(-1, 0, "cuDNN offers no deterministic FMA-math algorithm within " + mib(workspaceLimit)
                + " of workspace" + (rejected.isEmpty() ? " (its heuristics returned none)" : ": " + rejected));
    }

    private static String rejection(AlgoPerf p, long limit) {
        if (p.status() != 0) {
            return "(status " + p.status() + ")";
        }
        if (p.determinism() != CudnnSession.DETERMINISTIC) {
            return "(not deterministic)";
        }
        if (p.mathType() == TENSOR_OP_MATH || p.mathType() == TENSOR_OP_MATH_ALLOW_CONVERSION) {
            return "(tensor-core math)";
        }
        if (p.memory() > limit) {
            return "(needs " + mib(p.memory()) + ")";
        }
        return null;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
