package org.lrml.ops;

import java.util.Arrays;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Matrix product y = a b over the last two axes: a (..., m, k), b (..., k, n) -> y (..., m, n).
 * Either operand may be a plain matrix shared by every batch entry of the other; otherwise batch
 * axes must be equal.
 * <p>Backward: dA = dy b^T, dB = a^T dy (summed over the batch for a shared operand).
 */
public final class MatMul {
    private MatMul() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Kernels.sameBackend("matmul", a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul: operands need rank >= 2, got " + Shape.str(as) + " and "
                    + Shape.str(bs) + " (reshape vectors to 1 x n or n x 1)");
        }
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(as) + " @ " + Shape.str(bs));
        }
        int[] batchA = Arrays.copyOf(as, as.length - 2);
        int[] batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch;
        if (batchB.length == 0) {
            batch = batchA;
        } else if (batchA.length == 0) {
            batch = batchB;
        } else if (Arrays.equals(batchA, batchB)) {
            batch = batchA;
        } else {
            throw new IllegalArgumentException("matmul: batch axes differ: " + Shape.str(as) + " @ " + Shape.str(bs));
        }
        int count = Math.toIntExact(Shape.numel(batch));
        int[] ys = Arrays.copyOf(batch, batch.length + 2);
        ys[batch.length] = m;
        ys[batch.length + 1] = n;
        boolean shareA = batchA.length == 0;
        boolean shareB = batchB.length == 0;

        Tensor y = gemm(a, false, b, false, count, m, n, k, shareA, shareB, ys);
        return Autograd.record("matmul", y, (dy, needs) -> {
            Tensor da = null;
            Tensor db = null;
            if (needs[0]) {
                // dA_i = dy_i B_i^T: (m x n)(n x k)
                Tensor full = gemm(dy, false, b, true, count, m, k, n, false, shareB, shape(batch, m, k));
                da = shareA ? Kernels.sumTo(full, as) : full;
            }
            if (needs[1]) {
                if (shareB && !shareA) {
                    // sum_i A_i^T dy_i = A_flat^T dy_flat with A_flat (count m x k)
                    db = gemm(a, true, dy, false, 1, k, n, count * m, false, false, new int[]{k, n});
                } else {
                    db = gemm(a, true, dy, false, count, k, n, m, shareA, false, shape(batch, k, n));
                }
            }
            return new Tensor[]{da, db};
        }, a, b);
    }

    private static int[] shape(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /**
     * Raw batched product of stored matrices: C_i = op(A_i) op(B_i) where the stored A_i is (m x k) or,
     * when transA, (k x m) -- likewise B. Unrecorded; used by MatMul, Linear and Similarity.
     */
    public static Tensor gemm(Tensor a, boolean transA, Tensor b, boolean transB, int batch, int m, int n, int k,
                              boolean shareA, boolean shareB, int[] outShape) {
        Backend be = Kernels.sameBackend("gemm", a, b);
        Tensor y = Tensor.empty(be, a.dtype(), outShape);
        GemmSpec spec = GemmSpec.batched(batch, transA, transB, m, n, k, shareA, shareB);
        be.gemm().gemm(spec, a.storage(), b.storage(), y.storage());
        return y;
    }
}
