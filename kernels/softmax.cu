// softmax.cu -- softmax and log-softmax, max-subtracted: row-wise over the last axis of a rows x cols matrix, or
// over the middle axis of an (outer, axis, inner) view, which is any axis of any tensor without a copy.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   softmax_f32 v1 [default] one block per row (grid-stride over rows): the row maximum (NaN propagates), then
//                            sum exp(x - max) in double with a fixed-order tree, then each output computed in
//                            double and rounded once: exp(x - max) / sum, or (x - max) - log(sum).
//                            Block: power of two <= 256 (the launcher sizes it to the row).
//   softmax_axis_f32 v1 [default] one thread per line (o, :, i) of the (outer, axis, inner) view (grid-stride):
//                            neighbouring threads take neighbouring i, so every read along the axis is
//                            coalesced; the maximum, then sum exp(x - max) in double in axis order, then each
//                            output in double rounded once, as softmax_f32 does per row.
#include "common.cuh"

extern "C" __global__ void __launch_bounds__(256)
softmax_f32_v1(const float* __restrict__ x, float* __restrict__ y, long long rows, long long cols, int logSoftmax) {
    LRML_REQUIRE_POW2_BLOCK(256);
    __shared__ double scratch[256];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* xr = x + row * cols;
        float* yr = y + row * cols;
        double mx = -1.0 / 0.0;
        for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
            mx = lrml_jmax(mx, (double)xr[j]);
        }
        mx = lrml_block_max(mx, scratch);
        double sum = 0.0;
        for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
            sum += exp((double)xr[j] - mx);
        }
        sum = lrml_block_sum(sum, scratch);
        if (logSoftmax) {
            const double lse = log(sum);
            for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
                yr[j] = (float)(((double)xr[j] - mx) - lse);
            }
        } else {
            for (long long j = threadIdx.x; j < cols; j += blockDim.x) {
                yr[j] = (float)(exp((double)xr[j] - mx) / sum);
            }
        }
    }
}

extern "C" __global__ void softmax_axis_f32_v1(const float* __restrict__ x, float* __restrict__ y, long long outer,
                                               long long axis, long long inner, int logSoftmax) {
    const long long lines = outer * inner;
    for (long long line = lrml_thread_index(); line < lines; line += lrml_grid_stride()) {
        const long long o = line / inner;
        const long long i = line - o * inner;
        const float* xl = x + o * axis * inner + i;
        float* yl = y + o * axis * inner + i;
        double mx = -1.0 / 0.0;
        for (long long a = 0; a < axis; ++a) {
            mx = lrml_jmax(mx, (double)xl[a * inner]);
        }
        double sum = 0.0;
        for (long long a = 0; a < axis; ++a) {
            sum += exp((double)xl[a * inner] - mx);
        }
        if (logSoftmax) {
            const double lse = log(sum);
            for (long long a = 0; a < axis; ++a) {
                yl[a * inner] = (float)(((double)xl[a * inner] - mx) - lse);
            }
        } else {
            for (long long a = 0; a < axis; ++a) {
                yl[a * inner] = (float)(exp((double)xl[a * inner] - mx) / sum);
            }
        }
    }
}
