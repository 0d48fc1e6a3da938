// tupleloss.cu -- the fused tuple losses (LRML, contrastive, triplet; spec sections 3 to 5): batch loss and dL/dX,
// the CUDA side of CpuTupleLoss, deterministic (no atomics) and written to do the CPU's arithmetic operation for
// operation.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   tupleloss_dots_f32  v1 [default] one thread per (tuple, column j >= 1): s_j = x_q . x_j in double, summed over
//                                    p = 0..d-1 in order -- the CPU's order, so s is the CPU's bit for bit (each
//                                    float product is exact in double). Grid-stride.
//   tupleloss_coef_f32  v1 [default] one thread per tuple: distances, the loss of its kind and the coefficients
//                                    c_j = G_j (dd_j/ds_j) / m, all in double exactly as CpuTupleLoss.tuple
//                                    (the same operations in the same order; __dmul_rn/__dadd_rn keep the
//                                    compiler from fusing a multiply-add the CPU does not fuse). Only exp may differ
//                                    from Java's in the last place. Grid-stride.
//   tupleloss_grad_f32  v1 [default] one thread per element of dX: walks its row's entries (tuple, column) in the
//                                    host-built CSR order (a stable counting sort by row, so increasing tuple, then
//                                    column), adds c_j x_j for a query entry (j = 1..w-1 in order) or c_j x_q
//                                    otherwise, in double, skipping zero coefficients, and rounds once: dX equals
//                                    the CPU's bit for bit whenever the coefficients do. Rows no tuple names get 0.
//
// The batch loss is the launcher's: it downloads the per-tuple losses and sums them in tuple order, as the CPU.
// Kinds: 0 LRML, 1 contrastive, 2 triplet. Tuples are rows of w = 2 + k ints (q, p, n_1..n_k), checked on the host.
#include "common.cuh"

#define TL_EPS 1e-12

extern "C" __global__ void __launch_bounds__(256)
tupleloss_dots_f32_v1(const float* __restrict__ x, int d, const int* __restrict__ tuples, int m, int w,
                      double* __restrict__ s) {
    const long long work = (long long)m * (w - 1);
    for (long long e = lrml_thread_index(); e < work; e += lrml_grid_stride()) {
        const long long t = e / (w - 1);
        const int j = 1 + (int)(e - t * (w - 1));
        const float* a = x + (long long)tuples[t * w] * d;
        const float* b = x + (long long)tuples[t * w + j] * d;
        double acc = 0.0;
        for (int p = 0; p < d; ++p) {
            // The product of two floats is exact in double, so a fused multiply-add rounds as the CPU's add does.
            acc += (double)a[p] * (double)b[p];
        }
        s[t * w + j] = acc;
    }
}

// Whether a negative (similarity sa, row ia) ranks strictly before (sb, ib): s descending, then lower row.
__device__ __forceinline__ bool tl_before(double sa, int ia, double sb, int ib) {
    return sa > sb || (sa == sb && ia < ib);
}

// LRML of tuple t (CpuTupleLoss.lrml): writes G_j into grad[1..w-1], returns the loss.
__device__ double tl_lrml(const int* tup, const double* s, const double* dist, double* grad, int* order, double* weight,
                          int k, double alpha, double margin, double temperature, double lambda, double delta,
                          double mu, double orderEps) {
    const double dp = dist[1];
    double pos = 0.0;
    if (dp > alpha - margin) {
        pos = dp - (alpha - margin);
        grad[1] = 1.0;
    }
    // Rank order: s descending, ties by lower row, then lower column (a stable insertion sort, as the CPU's).
    for (int i = 0; i < k; ++i) {
        const int col = 2 + i;
        int r = i;
        while (r > 0 && tl_before(s[col], tup[col], s[order[r - 1]], tup[order[r - 1]])) {
            order[r] = order[r - 1];
            --r;
        }
        order[r] = col;
    }
    double maxViol = -1.0 / 0.0;
    for (int r = 0; r < k; ++r) {
        const double ar = __dadd_rn(alpha, __dmul_rn((double)r, delta));
        const double dr = dist[order[r]];
        if (dr < ar) maxViol = lrml_jmax(maxViol, __dmul_rn(temperature, ar - dr));
    }
    double neg = 0.0;
    if (maxViol != -1.0 / 0.0) {
        double sumW = 0.0;
        for (int r = 0; r < k; ++r) {
            const double ar = __dadd_rn(alpha, __dmul_rn((double)r, delta));
            const double dr = dist[order[r]];
            weight[r] = dr < ar ? exp(__dadd_rn(__dmul_rn(temperature, ar - dr), -maxViol)) : 0.0;
            sumW += weight[r];
        }
        for (int r = 0; r < k; ++r) {
            const double ar = __dadd_rn(alpha, __dmul_rn((double)r, delta));
            const int col = order[r];
            if (dist[col] < ar) {
                const double wn = weight[r] / sumW;
                neg = __dadd_rn(neg, __dmul_rn(wn, ar - dist[col]));
                grad[col] = __dadd_rn(grad[col], __dmul_rn(-lambda, wn));
            }
        }
    }
    double orderLoss = 0.0;
    if (mu != 0.0) {
        for (int r = 0; r + 1 < k; ++r) {
            const int a = order[r];
            const int b = order[r + 1];
            const double h = dist[a] - dist[b] + orderEps;
            if (h > 0) {
                orderLoss += h;
                grad[a] += mu;
                grad[b] -= mu;
            }
        }
    }
    return __dadd_rn(__dadd_rn(pos, __dmul_rn(lambda, neg)), __dmul_rn(mu, orderLoss));
}

__device__ double tl_contrastive(const double* dist, double* grad, int k, double margin) {
    const double dp = dist[1];
    double loss = 0.5 * dp * dp;
    grad[1] = dp;
    for (int j = 2; j < 2 + k; ++j) {
        const double h = margin - dist[j];
        if (h > 0) {
            loss = __dadd_rn(loss, __dmul_rn(0.5 * h, h));
            grad[j] = -h;
        }
    }
    return loss;
}

__device__ double tl_triplet(const double* dist, double* grad, int k, double margin) {
    const double dp = dist[1];
    double sum = 0.0;
    for (int j = 2; j < 2 + k; ++j) {
        const double h = dp - dist[j] + margin;
        if (h > 0) {
            sum += h;
            grad[1] += 1.0 / k;
            grad[j] = -1.0 / k;
        }
    }
    return sum / k;
}

// Per tuple t (w = 2 + k columns): from s[t*w + j] (j >= 1), the loss into perTuple[t] and c_j into
// coef[t*w + j] (coef[t*w] = 0: the query's gradient is gathered from the others). dist (m*w), order (m*k) and
// weight (m*k) are the tuple's work space.
extern "C" __global__ void __launch_bounds__(256)
tupleloss_coef_f32_v1(int kind, double alpha, double margin, double temperature, double lambda, double delta,
                      double mu, double orderEps, const int* __restrict__ tuples, int m, int k,
                      const double* __restrict__ s, double* __restrict__ dist, int* __restrict__ order,
                      double* __restrict__ weight, double* __restrict__ coef, double* __restrict__ perTuple) {
    const int w = 2 + k;
    for (long long t = lrml_thread_index(); t < m; t += lrml_grid_stride()) {
        const long long at = t * w;
        double* dt = dist + at;
        double* grad = coef + at;
        const double* st = s + at;
        for (int j = 1; j < w; ++j) {
            const double u = 2.0 - 2.0 * st[j];
            dt[j] = sqrt(lrml_jmax(u, TL_EPS));
            grad[j] = 0.0;
        }
        double loss;
        if (kind == 0) {
            loss = tl_lrml(tuples + at, st, dt, grad, order + t * k, weight + t * k, k, alpha, margin, temperature,
                           lambda, delta, mu, orderEps);
        } else if (kind == 1) {
            loss = tl_contrastive(dt, grad, k, margin);
        } else {
            loss = tl_triplet(dt, grad, k, margin);
        }
        grad[0] = 0.0;
        for (int j = 1; j < w; ++j) {
            const double u = 2.0 - 2.0 * st[j];
            const double dds = u > TL_EPS ? -1.0 / dt[j] : 0.0;
            grad[j] = grad[j] * dds / m;
        }
        perTuple[t] = loss;
    }
}

// dX[r * d + i] for r < n, i < d. The entries naming row r are entry[start[r] .. start[r+1]), each e = t * w + col.
extern "C" __global__ void __launch_bounds__(256)
tupleloss_grad_f32_v1(const float* __restrict__ x, int n, int d, const int* __restrict__ tuples, int w,
                      const double* __restrict__ coef, const int* __restrict__ start, const int* __restrict__ entry,
                      float* __restrict__ dx) {
    const long long work = (long long)n * d;
    for (long long e = lrml_thread_index(); e < work; e += lrml_grid_stride()) {
        const long long r = e / d;
        const int i = (int)(e - r * d);
        double acc = 0.0;
        const int end = start[r + 1];
        for (int u = start[r]; u < end; ++u) {
            const int en = entry[u];
            const int col = en % w;
            const int at = en - col;
            if (col == 0) {
                for (int j = 1; j < w; ++j) {
                    const double c = coef[at + j];
                    if (c != 0.0) acc = __dadd_rn(acc, __dmul_rn(c, (double)x[(long long)tuples[at + j] * d + i]));
                }
            } else {
                const double c = coef[en];
                if (c != 0.0) acc = __dadd_rn(acc, __dmul_rn(c, (double)x[(long long)tuples[at] * d + i]));
            }
        }
        dx[e] = (float)acc;
    }
}
