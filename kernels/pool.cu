// pool.cu -- 2-D max and average pooling in NCHW, forward and backward, in the window geometry of
// PoolGeometry: window (oh, ow) reads rows oh strideH - padTop + ki dilH (ki < kh) and columns likewise,
// cells outside the input never win a max and add nothing to a sum; asymmetric pads, dilation and ceil mode
// only change where windows start and how many there are (the launcher passes outH, outW).
// Backward passes are in gather form: each input element sums the contributions of the windows that contain
// it, in fixed (oh, ow) order, so no atomics are needed and results are repeatable. Max-pool backward
// recomputes each window's arg-max with the forward's rule (first maximum in row-major window order under
// the CPU's total order: -0 below +0, NaN above every number; padded cells never win), so no index tensor is
// stored.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   maxpool2d_fwd_f32     v2 [default] one thread per output (grid-stride): window maximum (-inf for a window
//                                      with no cell inside the input). v1, retired with this version, took
//                                      symmetric pads without dilation and broke ties between -0 and +0 by
//                                      position; v2 gives the same values on those geometries otherwise.
//   maxpool2d_fwd_idx_f32 v1 [default] as maxpool2d_fwd_f32 v2, and also writes each window's arg-max as an index
//                                      into its (n, c) plane, ih w + iw (-1 for an empty window).
//   maxpool2d_bwd_f32     v2 [default] one thread per input element: sum of dy over the windows whose arg-max it
//                                      is (windows with dilation cover every dilH-th row: the others skip it).
//   avgpool2d_fwd_f32     v2 [default] one thread per output: window sum in double / divisor (with
//                                      countIncludePad the cells inside the padded extent, else the cells
//                                      inside the input).
//   avgpool2d_bwd_f32     v2 [default] one thread per input element: sum of dy / divisor over the windows covering it.
//   (The v2 kernels replace v1 kernels of the same names that took the symmetric PoolShape of floor mode.)
//   gem_sum_f32           v1 [default] one block per (n, c) plane (grid-stride over planes): t = max(x, eps)^p per
//                                      element (kept for the backward), the plane's sum of t in double by the
//                                      fixed-order block tree. Elementwise values as the composite clamp and pow.
//   gem_sum_bwd_f32       v1 [default] one thread per element (grid-stride): dx = (ds p) z^(p-1) [eps <= x],
//                                      q = (ds t) ln z, z = max(x, eps), ds one value per plane; rounded as the
//                                      composite's pow, mul and clamp backward round them (the caller sums q).
#include "common.cuh"

struct PoolShape {
    int h, w;                  // input spatial size (planes = n c come from the element count)
    int kh, kw, strideH, strideW, padTop, padLeft, dilH, dilW;
    int outH, outW;
    int paddedH, paddedW;      // h + padBottom, w + padRight: where the padded extent ends
    int countIncludePad;       // 1: padded cells count in the average's divisor
};

// The first cell of a window axis at or after 0: start, or start moved up by whole steps.
__device__ __forceinline__ int first_cell(int start, int step) {
    return start >= 0 ? start : start + (-start + step - 1) / step * step;
}

// One past the last cell of a window axis of size cells, clipped to limit.
__device__ __forceinline__ int end_cell(int start, int size, int step, int limit) {
    return min(start + (size - 1) * step + 1, limit);
}

// How many of the cells first, first + step, ... lie below end.
__device__ __forceinline__ int count_cells(int first, int end, int step) {
    return first >= end ? 0 : (end - first + step - 1) / step;
}

// An int that orders like Java's Float.compare: -0 below +0, every NaN equal and above +infinity.
__device__ __forceinline__ int order_key(float v) {
    const int b = (int)__float_as_uint(v);
    return v != v ? 0x7fffffff : (b ^ ((b >> 31) & 0x7fffffff));
}

// Arg-max of the window at (oh, ow) of one plane: index ih * w + iw of the first maximum in row-major order,
// or -1 when no cell of the window lies inside the input.
__device__ __forceinline__ int window_argmax(const PoolShape& s, const float* __restrict__ plane, int oh, int ow) {
    const int hs = oh * s.strideH - s.padTop;
    const int ws = ow * s.strideW - s.padLeft;
    const int hlo = first_cell(hs, s.dilH);
    const int hhi = end_cell(hs, s.kh, s.dilH, s.h);
    const int wlo = first_cell(ws, s.dilW);
    const int whi = end_cell(ws, s.kw, s.dilW, s.w);
    if (hlo >= hhi || wlo >= whi) return -1;
    int best = hlo * s.w + wlo;
    int bk = order_key(plane[best]);
    for (int ih = hlo; ih < hhi; ih += s.dilH) {
        for (int iw = wlo; iw < whi; iw += s.dilW) {
            const int k = order_key(plane[ih * s.w + iw]);
            if (k > bk) {
                bk = k;
                best = ih * s.w + iw;
            }
        }
    }
    return best;
}

__device__ __forceinline__ int window_divisor(const PoolShape& s, int oh, int ow) {
    const int hs = oh * s.strideH - s.padTop;
    const int ws = ow * s.strideW - s.padLeft;
    if (s.countIncludePad) {
        return count_cells(hs, end_cell(hs, s.kh, s.dilH, s.paddedH), s.dilH)
             * count_cells(ws, end_cell(ws, s.kw, s.dilW, s.paddedW), s.dilW);
    }
    return count_cells(first_cell(hs, s.dilH), end_cell(hs, s.kh, s.dilH, s.h), s.dilH)
         * count_cells(first_cell(ws, s.dilW), end_cell(ws, s.kw, s.dilW, s.w), s.dilW);
}

// The windows whose span (extent = dil (k - 1) + 1 cells) contains input row i: o in [lo, hi] (empty when
// lo > hi); with dilation a window in that range reads row i only when (i + pad - o stride) % dil == 0.
__device__ __forceinline__ void covering(int i, int pad, int extent, int stride, int outSize, int& lo, int& hi) {
    const int first = i + pad - extent + 1;  // smallest window start (in padded coordinates) that still covers i
    lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    hi = min((i + pad) / stride, outSize - 1);
}

// Output element i of max pooling (plane-major): writes y[i] (-inf for a window with no element) and returns the
// argmax's flat index in its input plane, or -1; shared by the forward with and without the indices output.
__device__ __forceinline__ int maxpool_element(const PoolShape& s, const float* __restrict__ x, long long i,
                                               long long outPlane, float* __restrict__ y) {
    const long long pl = i / outPlane;
    const int r = (int)(i - pl * outPlane);
    const int oh = r / s.outW;
    const int ow = r - oh * s.outW;
    const float* plane = x + pl * s.h * s.w;
    const int a = window_argmax(s, plane, oh, ow);
    y[i] = a < 0 ? __uint_as_float(0xff800000u) : plane[a];
    return a;
}

extern "C" __global__ void maxpool2d_fwd_f32_v2(PoolShape s, const float* __restrict__ x, float* __restrict__ y,
                                                long long planes) {
    const long long outPlane = (long long)s.outH * s.outW;
    const long long total = planes * outPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        maxpool_element(s, x, i, outPlane, y);
    }
}

extern "C" __global__ void maxpool2d_fwd_idx_f32_v1(PoolShape s, const float* __restrict__ x, float* __restrict__ y,
                                                    int* __restrict__ arg, long long planes) {
    const long long outPlane = (long long)s.outH * s.outW;
    const long long total = planes * outPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        arg[i] = maxpool_element(s, x, i, outPlane, y);
    }
}

extern "C" __global__ void maxpool2d_bwd_f32_v2(PoolShape s, const float* __restrict__ x, const float* __restrict__ dy,
                                                float* __restrict__ dx, long long planes) {
    const long long inPlane = (long long)s.h * s.w;
    const long long total = planes * inPlane;
    const int extentH = s.dilH * (s.kh - 1) + 1;
    const int extentW = s.dilW * (s.kw - 1) + 1;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / inPlane;
        const int r = (int)(i - pl * inPlane);
        const int ih = r / s.w;
        const int iw = r - ih * s.w;
        const float* plane = x + pl * inPlane;
        const float* dyPlane = dy + pl * s.outH * s.outW;
        int ohLo, ohHi, owLo, owHi;
        covering(ih, s.padTop, extentH, s.strideH, s.outH, ohLo, ohHi);
        covering(iw, s.padLeft, extentW, s.strideW, s.outW, owLo, owHi);
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; ++oh) {
            if ((ih + s.padTop - oh * s.strideH) % s.dilH != 0) continue;
            for (int ow = owLo; ow <= owHi; ++ow) {
                if ((iw + s.padLeft - ow * s.strideW) % s.dilW != 0) continue;
                if (window_argmax(s, plane, oh, ow) == r) {
                    acc = __fadd_rn(acc, dyPlane[oh * s.outW + ow]);
                }
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void avgpool2d_fwd_f32_v2(PoolShape s, const float* __restrict__ x, float* __restrict__ y,
                                                long long planes) {
    const long long outPlane = (long long)s.outH * s.outW;
    const long long total = planes * outPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / outPlane;
        const int r = (int)(i - pl * outPlane);
        const int oh = r / s.outW;
        const int ow = r - oh * s.outW;
        const float* plane = x + pl * s.h * s.w;
        const int hs = oh * s.strideH - s.padTop;
        const int ws = ow * s.strideW - s.padLeft;
        const int hhi = end_cell(hs, s.kh, s.dilH, s.h);
        const int whi = end_cell(ws, s.kw, s.dilW, s.w);
        double sum = 0.0;
        for (int ih = first_cell(hs, s.dilH); ih < hhi; ih += s.dilH) {
            for (int iw = first_cell(ws, s.dilW); iw < whi; iw += s.dilW) {
                sum += (double)plane[ih * s.w + iw];
            }
        }
        y[i] = (float)(sum / (double)window_divisor(s, oh, ow));
    }
}

extern "C" __global__ void avgpool2d_bwd_f32_v2(PoolShape s, const float* __restrict__ dy, float* __restrict__ dx,
                                                long long planes) {
    const long long inPlane = (long long)s.h * s.w;
    const long long total = planes * inPlane;
    const int extentH = s.dilH * (s.kh - 1) + 1;
    const int extentW = s.dilW * (s.kw - 1) + 1;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / inPlane;
        const int r = (int)(i - pl * inPlane);
        const int ih = r / s.w;
        const int iw = r - ih * s.w;
        const float* dyPlane = dy + pl * s.outH * s.outW;
        int ohLo, ohHi, owLo, owHi;
        covering(ih, s.padTop, extentH, s.strideH, s.outH, ohLo, ohHi);
        covering(iw, s.padLeft, extentW, s.strideW, s.outW, owLo, owHi);
        double acc = 0.0;
        for (int oh = ohLo; oh <= ohHi; ++oh) {
            if ((ih + s.padTop - oh * s.strideH) % s.dilH != 0) continue;
            for (int ow = owLo; ow <= owHi; ++ow) {
                if ((iw + s.padLeft - ow * s.strideW) % s.dilW != 0) continue;
                acc += (double)dyPlane[oh * s.outW + ow] / (double)window_divisor(s, oh, ow);
            }
        }
        dx[i] = (float)acc;
    }
}

// GeM's clamp as the elementwise CLAMP op computes it: in double, then rounded to float.
__device__ __forceinline__ float gem_clamp(float x, double eps) {
    return (float)lrml_jmin(lrml_jmax((double)x, eps), (double)INFINITY);
}

template <typename I>
__device__ __forceinline__ void gem_sum_body(const float* __restrict__ x, const float* __restrict__ p, double eps,
                                             float* __restrict__ t, float* __restrict__ sums, long long planes,
                                             long long hw, double* scratch) {
    const double pd = (double)p[0];
    for (long long pl = blockIdx.x; pl < planes; pl += gridDim.x) {
        const I base = (I)pl * (I)hw;
        double acc = 0.0;
        for (I j = threadIdx.x; j < (I)hw; j += blockDim.x) {
            const float v = (float)lrml_jpow((double)gem_clamp(x[base + j], eps), pd);
            t[base + j] = v;
            acc += (double)v;
        }
        const double total = lrml_block_sum(acc, scratch);
        if (threadIdx.x == 0) {
            sums[pl] = (float)total;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
gem_sum_f32_v1(const float* __restrict__ x, const float* __restrict__ p, double eps, float* __restrict__ t,
               float* __restrict__ sums, long long planes, long long hw) {
    LRML_REQUIRE_POW2_BLOCK(256);
    __shared__ double scratch[256];
    if (planes * hw <= 0xffffffffLL) {
        gem_sum_body<unsigned int>(x, p, eps, t, sums, planes, hw, scratch);
    } else {
        gem_sum_body<unsigned long long>(x, p, eps, t, sums, planes, hw, scratch);
    }
}

extern "C" __global__ void gem_sum_bwd_f32_v1(const float* __restrict__ x, const float* __restrict__ t,
                                              const float* __restrict__ ds, const float* __restrict__ p, double eps,
                                              float* __restrict__ dx, float* __restrict__ q, long long planes,
                                              long long hw) {
    const float pf = p[0];
    // p - 1 as the AFFINE op rounds it (x.sub(1.0) is affine(x, 1, -1)).
    const double pm1 = (double)(float)__dadd_rn(__dmul_rn(1.0, (double)pf), -1.0);
    const long long total = planes * hw;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const float g = ds[i / hw];
        const float xv = x[i];
        const float z = gem_clamp(xv, eps);
        const float w = (float)lrml_jpow((double)z, pm1);
        const float inRange = (eps <= (double)xv && (double)xv <= (double)INFINITY) ? 1.0f : 0.0f;
        dx[i] = __fmul_rn(__fmul_rn(__fmul_rn(g, pf), w), inRange);
        q[i] = __fmul_rn(__fmul_rn(g, t[i]), (float)log((double)z));
    }
}
