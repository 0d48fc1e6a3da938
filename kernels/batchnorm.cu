// batchnorm.cu -- batch-normalisation primitives over x viewed as (n, c, s): per-channel statistics, the
// per-channel affine map, and the two backward passes. Channel sums use one block per channel with a
// fixed-order tree in double (no atomics), so they are repeatable and as accurate as the CPU's double sums.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   bn_stats_f32          v1 [default] block per channel (grid-stride): mean, then biased variance as the mean
//                                      of squared deviations (two passes over the channel, in double).
//                                      Block: power of two <= 256.
//   channel_affine_f32    v1 [default] grid-stride y = x scale[c] + shift[c] (no fused multiply-add, as the CPU).
//   bn_bwd_reduce_f32     v1 [default] block per channel: sum dy and sum dy (x - mean) invStd, in double.
//                                      Block: power of two <= 256.
//   bn_bwd_input_f32      v1 [default] grid-stride dx = gamma invStd (dy - sumDy/M - xhat sumDyXhat/M), M = n s,
//                                      computed in double and rounded once.
// nvcc-flags: -fmad=false (the CPU computes these doubles without fused multiply-adds (bit parity))
#include "common.cuh"

// Element r (< n s) of channel ch: sample b = r / s, position j = r % s.
template <typename I>
__device__ __forceinline__ long long bn_offset(I r, I s, I c, I ch) {
    const I b = r / s;
    const I j = r - b * s;
    return ((long long)b * c + ch) * (long long)s + j;
}

template <typename I>
__device__ __forceinline__ void bn_stats_body(const float* __restrict__ x, float* __restrict__ mean,
                                              float* __restrict__ var, long long n, long long c, long long s,
                                              double* scratch) {
    const long long m = n * s;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double sum = 0.0;
        for (long long r = threadIdx.x; r < m; r += blockDim.x) {
            sum += (double)x[bn_offset<I>((I)r, (I)s, (I)c, (I)ch)];
        }
        const double mu = lrml_block_sum(sum, scratch) / (double)m;
        double sq = 0.0;
        for (long long r = threadIdx.x; r < m; r += blockDim.x) {
            const double d = (double)x[bn_offset<I>((I)r, (I)s, (I)c, (I)ch)] - mu;
            sq += d * d;
        }
        const double v = lrml_block_sum(sq, scratch) / (double)m;
        if (threadIdx.x == 0) {
            mean[ch] = (float)mu;
            var[ch] = (float)v;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
bn_stats_f32_v1(const float* __restrict__ x, float* __restrict__ mean, float* __restrict__ var, long long n,
                long long c, long long s) {
    LRML_REQUIRE_POW2_BLOCK(256);
    __shared__ double scratch[256];
    if (n * c * s <= 0xffffffffLL) {
        bn_stats_body<unsigned int>(x, mean, var, n, c, s, scratch);
    } else {
        bn_stats_body<unsigned long long>(x, mean, var, n, c, s, scratch);
    }
}

// y may equal x (in place), so no __restrict__ on them.
extern "C" __global__ void channel_affine_f32_v1(const float* x, const float* __restrict__ scale,
                                                 const float* __restrict__ shift, float* y, long long n, long long c,
                                                 long long s) {
    const long long total = n * c * s;
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long ch = (i / s) % c;
        y[i] = __fadd_rn(__fmul_rn(x[i], scale[ch]), shift[ch]);
    }
}

template <typename I>
__device__ __forceinline__ void bn_bwd_reduce_body(const float* __restrict__ dy, const float* __restrict__ x,
                                                   const float* __restrict__ mean, const float* __restrict__ invStd,
                                                   float* __restrict__ sumDy, float* __restrict__ sumDyXhat,
                                                   long long n, long long c, long long s, double* scratch) {
    const long long m = n * s;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        const double mu = (double)mean[ch];
        const double is = (double)invStd[ch];
        double a = 0.0;
        double b = 0.0;
        for (long long r = threadIdx.x; r < m; r += blockDim.x) {
            const long long off = bn_offset<I>((I)r, (I)s, (I)c, (I)ch);
            const double g = (double)dy[off];
            a += g;
            b += g * (((double)x[off] - mu) * is);
        }
        const double ta = lrml_block_sum(a, scratch);
        const double tb = lrml_block_sum(b, scratch);
        if (threadIdx.x == 0) {
            sumDy[ch] = (float)ta;
            sumDyXhat[ch] = (float)tb;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
bn_bwd_reduce_f32_v1(const float* __restrict__ dy, const float* __restrict__ x, const float* __restrict__ mean,
                     const float* __restrict__ invStd, float* __restrict__ sumDy, float* __restrict__ sumDyXhat,
                     long long n, long long c, long long s) {
    LRML_REQUIRE_POW2_BLOCK(256);
    __shared__ double scratch[256];
    if (n * c * s <= 0xffffffffLL) {
        bn_bwd_reduce_body<unsigned int>(dy, x, mean, invStd, sumDy, sumDyXhat, n, c, s, scratch);
    } else {
        bn_bwd_reduce_body<unsigned long long>(dy, x, mean, invStd, sumDy, sumDyXhat, n, c, s, scratch);
    }
}

extern "C" __global__ void bn_bwd_input_f32_v1(const float* __restrict__ dy, const float* __restrict__ x,
                                               const float* __restrict__ mean, const float* __restrict__ invStd,
                                               const float* __restrict__ gamma, const float* __restrict__ sumDy,
                                               const float* __restrict__ sumDyXhat, float* __restrict__ dx,
                                               long long n, long long c, long long s) {
    const long long total = n * c * s;
    const double m = (double)(n * s);
    for (long long i = lrml_thread_index(); i < total; i += lrml_grid_stride()) {
        const long long ch = (i / s) % c;
        const double is = (double)invStd[ch];
        const double xhat = ((double)x[i] - (double)mean[ch]) * is;
        const double g = (double)dy[i] - (double)sumDy[ch] / m - xhat * ((double)sumDyXhat[ch] / m);
        dx[i] = (float)((double)gamma[ch] * is * g);
    }
}
