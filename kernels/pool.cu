// pool.cu -- 2-D max and average pooling in NCHW (floor mode), forward and backward.
// Backward passes are in gather form: each input element sums the contributions of the windows that contain
// it, in fixed (oh, ow) order, so no atomics are needed and results are repeatable. Max-pool backward
// recomputes each window's arg-max with the forward's rule (first maximum in row-major window order; padded
// cells never win), so no index tensor is stored.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   maxpool2d_fwd_f32 v1 [default] one thread per output (grid-stride): window maximum.
//   maxpool2d_bwd_f32 v1 [default] one thread per input element: sum of dy over the windows whose arg-max it is.
//   avgpool2d_fwd_f32 v1 [default] one thread per output: window sum in double / divisor (kh kw when padding
//                                  counts, else the number of cells inside the input).
//   avgpool2d_bwd_f32 v1 [default] one thread per input element: sum of dy / divisor over the windows covering it.
#include "common.cuh"

struct PoolShape {
    int h, w;                  // input spatial size (planes = n c come from the element count)
    int kh, kw, strideH, strideW, padH, padW;
    int outH, outW;
    int countIncludePad;       // 1: padded cells count in the average's divisor
};

// Arg-max of the window at (oh, ow) of one plane: index ih * w + iw of the first maximum in row-major order.
// A NaN wins over numbers (and the first NaN stays), so NaN propagates as in the reference implementations.
__device__ __forceinline__ int window_argmax(const PoolShape& s, const float* __restrict__ plane, int oh, int ow) {
    const int hs = oh * s.strideH - s.padH;
    const int ws = ow * s.strideW - s.padW;
    const int hlo = max(hs, 0);
    const int hhi = min(hs + s.kh, s.h);
    const int wlo = max(ws, 0);
    const int whi = min(ws + s.kw, s.w);
    int best = hlo * s.w + wlo;
    float bv = plane[best];
    for (int ih = hlo; ih < hhi; ++ih) {
        for (int iw = wlo; iw < whi; ++iw) {
            const float v = plane[ih * s.w + iw];
            if (v > bv || (v != v && bv == bv)) {
                bv = v;
                best = ih * s.w + iw;
            }
        }
    }
    return best;
}

__device__ __forceinline__ int window_divisor(const PoolShape& s, int oh, int ow) {
    if (s.countIncludePad) return s.kh * s.kw;
    const int hs = oh * s.strideH - s.padH;
    const int ws = ow * s.strideW - s.padW;
    return (min(hs + s.kh, s.h) - max(hs, 0)) * (min(ws + s.kw, s.w) - max(ws, 0));
}

// The windows containing input row ih: oh in [lo, hi] (empty when lo > hi).
__device__ __forceinline__ void covering(int i, int pad, int k, int stride, int outSize, int& lo, int& hi) {
    const int first = i + pad - k + 1;  // smallest window start (in padded coordinates) that still covers i
    lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    hi = min((i + pad) / stride, outSize - 1);
}

extern "C" __global__ void maxpool2d_fwd_f32_v1(PoolShape s, const float* __restrict__ x, float* __restrict__ y,
                                                long long planes) {
    const long long outPlane = (long long)s.outH * s.outW;
    const long long total = planes * outPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / outPlane;
        const int r = (int)(i - pl * outPlane);
        const int oh = r / s.outW;
        const int ow = r - oh * s.outW;
        const float* plane = x + pl * s.h * s.w;
        y[i] = plane[window_argmax(s, plane, oh, ow)];
    }
}

extern "C" __global__ void maxpool2d_bwd_f32_v1(PoolShape s, const float* __restrict__ x, const float* __restrict__ dy,
                                                float* __restrict__ dx, long long planes) {
    const long long inPlane = (long long)s.h * s.w;
    const long long total = planes * inPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / inPlane;
        const int r = (int)(i - pl * inPlane);
        const int ih = r / s.w;
        const int iw = r - ih * s.w;
        const float* plane = x + pl * inPlane;
        const float* dyPlane = dy + pl * s.outH * s.outW;
        int ohLo, ohHi, owLo, owHi;
        covering(ih, s.padH, s.kh, s.strideH, s.outH, ohLo, ohHi);
        covering(iw, s.padW, s.kw, s.strideW, s.outW, owLo, owHi);
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; ++oh) {
            for (int ow = owLo; ow <= owHi; ++ow) {
                if (window_argmax(s, plane, oh, ow) == r) {
                    acc = __fadd_rn(acc, dyPlane[oh * s.outW + ow]);
                }
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void avgpool2d_fwd_f32_v1(PoolShape s, const float* __restrict__ x, float* __restrict__ y,
                                                long long planes) {
    const long long outPlane = (long long)s.outH * s.outW;
    const long long total = planes * outPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / outPlane;
        const int r = (int)(i - pl * outPlane);
        const int oh = r / s.outW;
        const int ow = r - oh * s.outW;
        const float* plane = x + pl * s.h * s.w;
        const int hs = oh * s.strideH - s.padH;
        const int ws = ow * s.strideW - s.padW;
        double sum = 0.0;
        for (int ih = max(hs, 0); ih < min(hs + s.kh, s.h); ++ih) {
            for (int iw = max(ws, 0); iw < min(ws + s.kw, s.w); ++iw) {
                sum += (double)plane[ih * s.w + iw];
            }
        }
        y[i] = (float)(sum / (double)window_divisor(s, oh, ow));
    }
}

extern "C" __global__ void avgpool2d_bwd_f32_v1(PoolShape s, const float* __restrict__ dy, float* __restrict__ dx,
                                                long long planes) {
    const long long inPlane = (long long)s.h * s.w;
    const long long total = planes * inPlane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long pl = i / inPlane;
        const int r = (int)(i - pl * inPlane);
        const int ih = r / s.w;
        const int iw = r - ih * s.w;
        const float* dyPlane = dy + pl * s.outH * s.outW;
        int ohLo, ohHi, owLo, owHi;
        covering(ih, s.padH, s.kh, s.strideH, s.outH, ohLo, ohHi);
        covering(iw, s.padW, s.kw, s.strideW, s.outW, owLo, owHi);
        double acc = 0.0;
        for (int oh = ohLo; oh <= ohHi; ++oh) {
            for (int ow = owLo; ow <= owHi; ++ow) {
                acc += (double)dyPlane[oh * s.outW + ow] / (double)window_divisor(s, oh, ow);
            }
        }
        dx[i] = (float)acc;
    }
}
