// conv.cu -- im2col and col2im for 2-D convolution in NCHW with stride, padding, dilation and groups.
// The launcher (ConvKernels) builds the three convolution passes from these and the SGEMM of gemm.cu:
//   forward         col = im2col(x);  Y_g = W_g col_g                      (then a strided copy to NCHW)
//   backward data   dcol_g = W_g^T dY_g;  dx = col2im(dcol)                (gather form, no atomics)
//   backward filter col = im2col(x);  dW_g = dY_g col_g^T                  (chunks accumulate in order)
//
// Column layout, for a chunk of nb images starting at image b0: col[g][kk][b][p] with g < groups,
// kk = (cl * kh + ki) * kw + kj < K = (cIn / groups) kh kw, b < nb, p = oh * outW + ow < P = outH outW.
// So the columns of group g form one K x (nb P) row-major matrix and each convolution pass is one GEMM per
// group with the whole chunk in its n (or k) dimension.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   im2col_f32 v1 [default] one thread per column element (grid-stride); zero where the window reads padding.
//   col2im_f32 v1 [default] one thread per input element of the chunk (grid-stride), summing in fixed
//                           (ki, kj) order the column entries whose window covers it: each dx element is
//                           written once, so the result is deterministic and needs no zero-fill first.
#include "common.cuh"

struct ConvShape {
    int cIn, h, w;          // input channels and spatial size
    int groups, cPerGroup;  // cPerGroup = cIn / groups
    int kh, kw, strideH, strideW, padH, padW, dilH, dilW;
    int outH, outW;
};

// I is the index type of the decomposition: 32-bit when every index fits (division is much cheaper).
template <typename I>
__device__ __forceinline__ void im2col_body(const ConvShape& s, const float* __restrict__ x, float* __restrict__ col,
                                            long long b0, long long nb) {
    const I P = (I)s.outH * (I)s.outW;
    const I K = (I)s.cPerGroup * (I)s.kh * (I)s.kw;
    const long long total = (long long)s.groups * K * nb * P;
    const long long plane = (long long)s.h * s.w;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        I t = (I)i;
        const I p = t % P;
        t /= P;
        const I b = t % (I)nb;
        t /= (I)nb;
        const I kk = t % K;
        const I g = t / K;
        const int kj = (int)(kk % (I)s.kw);
        const int ki = (int)((kk / (I)s.kw) % (I)s.kh);
        const int cl = (int)(kk / ((I)s.kw * (I)s.kh));
        const int oh = (int)(p / (I)s.outW);
        const int ow = (int)(p - (I)oh * (I)s.outW);
        const int ih = oh * s.strideH - s.padH + ki * s.dilH;
        const int iw = ow * s.strideW - s.padW + kj * s.dilW;
        float v = 0.0f;
        if (ih >= 0 && ih < s.h && iw >= 0 && iw < s.w) {
            const long long c = (long long)g * s.cPerGroup + cl;
            v = x[((b0 + (long long)b) * s.cIn + c) * plane + (long long)ih * s.w + iw];
        }
        col[i] = v;
    }
}

extern "C" __global__ void im2col_f32_v1(ConvShape s, const float* __restrict__ x, float* __restrict__ col,
                                         long long b0, long long nb) {
    const long long total = (long long)s.groups * s.cPerGroup * s.kh * s.kw * nb * s.outH * s.outW;
    if (total <= 0xffffffffLL) {
        im2col_body<unsigned int>(s, x, col, b0, nb);
    } else {
        im2col_body<unsigned long long>(s, x, col, b0, nb);
    }
}

template <typename I>
__device__ __forceinline__ void col2im_body(const ConvShape& s, const float* __restrict__ dcol, float* __restrict__ dx,
                                            long long b0, long long nb) {
    const long long P = (long long)s.outH * s.outW;
    const long long K = (long long)s.cPerGroup * s.kh * s.kw;
    const long long plane = (long long)s.h * s.w;
    const long long total = nb * s.cIn * plane;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        I t = (I)i;
        const int iw = (int)(t % (I)s.w);
        t /= (I)s.w;
        const int ih = (int)(t % (I)s.h);
        t /= (I)s.h;
        const int c = (int)(t % (I)s.cIn);
        const long long b = (long long)(t / (I)s.cIn);
        const int g = c / s.cPerGroup;
        const int cl = c - g * s.cPerGroup;
        float acc = 0.0f;
        for (int ki = 0; ki < s.kh; ++ki) {
            const int hNum = ih + s.padH - ki * s.dilH;  // = oh * strideH when this tap covers ih
            if (hNum < 0 || hNum % s.strideH != 0) continue;
            const int oh = hNum / s.strideH;
            if (oh >= s.outH) continue;
            for (int kj = 0; kj < s.kw; ++kj) {
                const int wNum = iw + s.padW - kj * s.dilW;
                if (wNum < 0 || wNum % s.strideW != 0) continue;
                const int ow = wNum / s.strideW;
                if (ow >= s.outW) continue;
                const long long kk = ((long long)cl * s.kh + ki) * s.kw + kj;
                acc = __fadd_rn(acc, dcol[(((long long)g * K + kk) * nb + b) * P + (long long)oh * s.outW + ow]);
            }
        }
        dx[b0 * s.cIn * plane + i] = acc;
    }
}

extern "C" __global__ void col2im_f32_v1(ConvShape s, const float* __restrict__ dcol, float* __restrict__ dx,
                                         long long b0, long long nb) {
    const long long total = nb * s.cIn * (long long)s.h * s.w;
    if (total <= 0xffffffffLL) {
        col2im_body<unsigned int>(s, dcol, dx, b0, nb);
    } else {
        col2im_body<unsigned long long>(s, dcol, dx, b0, nb);
    }
}
