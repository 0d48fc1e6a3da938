// reduce.cu -- sum / max / min of a float32 tensor over any set of axes, deterministic (no atomics).
//
// The launcher merges adjacent axes into runs and passes the kept axes (shape and input strides) and the
// reduced axes (shape and input strides) separately; output element o is the reduction over r of
// x[kept_offset(o) + reduced_offset(r)]. Sums accumulate in double (as the CPU specification does) and are
// rounded to float once; MAX/MIN propagate NaN (Java's Math.max/min).
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   reduce_block_f32   v1 [default] one block per output (grid-stride over outputs); each thread folds the
//                                   reduced indices t, t+B, t+2B, ... then a fixed-order shared-memory tree
//                                   combines the B partials. For long reductions (few outputs, many terms).
//                                   Block: power of two <= 256.
//   reduce_thread_f32  v1 [default] one thread per output folding its terms in index order (the CPU's order,
//                                   so sums match the CPU bit for bit). For many short reductions.
#include "common.cuh"

#define R_SUM 0
#define R_MAX 1
#define R_MIN 2

__device__ __forceinline__ double reduce_init(int op) {
    // +-infinity without library constants: 1/0 in double is exact and allowed.
    return op == R_SUM ? 0.0 : (op == R_MAX ? -1.0 / 0.0 : 1.0 / 0.0);
}

__device__ __forceinline__ double reduce_combine(int op, double acc, double v) {
    return op == R_SUM ? acc + v : (op == R_MAX ? lrml_jmax(acc, v) : lrml_jmin(acc, v));
}

template <typename I>
__device__ __forceinline__ void reduce_block_body(int op, int keptRank, const Dims8& keptShape, const Dims8& keptStrides,
                                                  int redRank, const Dims8& redShape, const Dims8& redStrides,
                                                  const float* __restrict__ x, float* __restrict__ out,
                                                  long long outCount, long long redCount, double* scratch) {
    for (long long o = blockIdx.x; o < outCount; o += gridDim.x) {
        const long long base = keptRank == 0 ? 0 : lrml_strided_offset<I>((I)o, keptRank, keptShape, keptStrides);
        double acc = reduce_init(op);
        for (long long r = threadIdx.x; r < redCount; r += blockDim.x) {
            const long long off = lrml_strided_offset<I>((I)r, redRank, redShape, redStrides);
            acc = reduce_combine(op, acc, (double)x[base + off]);
        }
        double total;
        if (op == R_SUM) {
            total = lrml_block_sum(acc, scratch);
        } else if (op == R_MAX) {
            total = lrml_block_max(acc, scratch);
        } else {
            total = lrml_block_min(acc, scratch);
        }
        if (threadIdx.x == 0) {
            out[o] = (float)total;
        }
    }
}

// redRank >= 1 (the launcher handles "nothing reduced" as a copy); keptRank may be 0 (one output).
extern "C" __global__ void __launch_bounds__(256)
reduce_block_f32_v1(int op, int keptRank, Dims8 keptShape, Dims8 keptStrides, int redRank, Dims8 redShape,
                    Dims8 redStrides, const float* __restrict__ x, float* __restrict__ out, long long outCount,
                    long long redCount) {
    LRML_REQUIRE_POW2_BLOCK(256);
    __shared__ double scratch[256];
    if (outCount <= 0xffffffffLL && redCount <= 0xffffffffLL) {
        reduce_block_body<unsigned int>(op, keptRank, keptShape, keptStrides, redRank, redShape, redStrides, x, out,
                                        outCount, redCount, scratch);
    } else {
        reduce_block_body<unsigned long long>(op, keptRank, keptShape, keptStrides, redRank, redShape, redStrides, x,
                                              out, outCount, redCount, scratch);
    }
}

template <typename I>
__device__ __forceinline__ void reduce_thread_body(int op, int keptRank, const Dims8& keptShape, const Dims8& keptStrides,
                                                   int redRank, const Dims8& redShape, const Dims8& redStrides,
                                                   const float* __restrict__ x, float* __restrict__ out,
                                                   long long outCount, long long redCount) {
    for (long long o = lrml_thread_index(); o < outCount; o += lrml_grid_stride()) {
        const long long base = keptRank == 0 ? 0 : lrml_strided_offset<I>((I)o, keptRank, keptShape, keptStrides);
        double acc = reduce_init(op);
        for (long long r = 0; r < redCount; ++r) {
            const long long off = lrml_strided_offset<I>((I)r, redRank, redShape, redStrides);
            acc = reduce_combine(op, acc, (double)x[base + off]);
        }
        out[o] = (float)acc;
    }
}

extern "C" __global__ void reduce_thread_f32_v1(int op, int keptRank, Dims8 keptShape, Dims8 keptStrides, int redRank,
                                                Dims8 redShape, Dims8 redStrides, const float* __restrict__ x,
                                                float* __restrict__ out, long long outCount, long long redCount) {
    if (outCount <= 0xffffffffLL && redCount <= 0xffffffffLL) {
        reduce_thread_body<unsigned int>(op, keptRank, keptShape, keptStrides, redRank, redShape, redStrides, x, out,
                                         outCount, redCount);
    } else {
        reduce_thread_body<unsigned long long>(op, keptRank, keptShape, keptStrides, redRank, redShape, redStrides, x,
                                               out, outCount, redCount);
    }
}
