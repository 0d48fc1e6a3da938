// common.cuh -- helpers shared by the kernel families (included by the .cu files, never compiled alone).
//
// Rules every kernel here follows:
//   * element counts and offsets are 64-bit (long long); a thread's index is computed in 64-bit;
//   * 1-D kernels use grid-stride loops, so any grid size is correct and the launcher picks it for speed;
//   * no atomics on floats and no data-dependent summation order: every output is summed in one fixed order,
//     so results are bit-for-bit repeatable;
//   * no --use_fast_math: where the CPU backend (the specification) computes in double and rounds once, the
//     kernel does too, and *_rn intrinsics stop the compiler from fusing a*b+c where the CPU does not.
#pragma once

#define LRML_MAX_RANK 8

// Shapes and strides of up to LRML_MAX_RANK axes, passed by value as a kernel parameter (64 bytes).
struct Dims8 {
    long long d[LRML_MAX_RANK];
};

__device__ __forceinline__ long long lrml_thread_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long lrml_grid_stride() {
    return (long long)blockDim.x * gridDim.x;
}

// Offset of the element with row-major flat index `flat` in a strided view (rank >= 1). The index type I is
// 32-bit when the launcher knows every size fits (64-bit division is several times slower on the GPU).
// Unrolled over the fixed maximum rank so the Dims8 parameters stay in parameter space, not local memory.
template <typename I>
__device__ __forceinline__ long long lrml_strided_offset(I flat, int rank, const Dims8& shape, const Dims8& strides) {
    long long off = 0;
#pragma unroll
    for (int d = LRML_MAX_RANK - 1; d >= 1; --d) {
        if (d < rank) {
            I size = (I)shape.d[d];
            I q = flat / size;
            off += (long long)(flat - q * size) * strides.d[d];
            flat = q;
        }
    }
    return off + (long long)flat * strides.d[0];
}

// Java's Math.max / Math.min, the CPU backend's specification: NaN if either operand is NaN, and +0 > -0.
__device__ __forceinline__ double lrml_jmax(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

__device__ __forceinline__ double lrml_jmin(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? a : b;
    return a <= b ? a : b;
}

__device__ __forceinline__ float lrml_jmaxf(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0f && b == 0.0f) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

__device__ __forceinline__ float lrml_jminf(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0f && b == 0.0f) return signbit(a) ? a : b;
    return a <= b ? a : b;
}

// Java's Math.pow where it differs from C's pow: a NaN exponent gives NaN, and |x| = 1 with an infinite
// exponent gives NaN (C returns 1 in both cases).
__device__ __forceinline__ double lrml_jpow(double x, double y) {
    if (y != y) return y;
    if (fabs(x) == 1.0 && isinf(y)) return y - y;  // inf - inf = NaN, without a NaN literal
    return pow(x, y);
}

// Fixed-order tree sum of blockDim.x doubles in shared memory (blockDim.x a power of two <= 1024); every
// thread must call it; the result is returned to every thread. The pairing depends only on blockDim.x, so
// the sum is repeatable.
__device__ __forceinline__ double lrml_block_sum(double v, double* scratch) {
    const unsigned t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (t < half) scratch[t] = scratch[t] + scratch[t + half];
        __syncthreads();
    }
    double r = scratch[0];
    __syncthreads();  // scratch may be reused by the caller right after
    return r;
}

__device__ __forceinline__ double lrml_block_max(double v, double* scratch) {
    const unsigned t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (t < half) scratch[t] = lrml_jmax(scratch[t], scratch[t + half]);
        __syncthreads();
    }
    double r = scratch[0];
    __syncthreads();
    return r;
}

__device__ __forceinline__ double lrml_block_min(double v, double* scratch) {
    const unsigned t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (unsigned half = blockDim.x >> 1; half > 0; half >>= 1) {
        if (t < half) scratch[t] = lrml_jmin(scratch[t], scratch[t + half]);
        __syncthreads();
    }
    double r = scratch[0];
    __syncthreads();
    return r;
}

// Kernels that assume a block shape stop the launch instead of computing garbage when launched otherwise.
#define LRML_REQUIRE_BLOCK(n) \
    do { if (blockDim.x != (n) || blockDim.y != 1 || blockDim.z != 1) __trap(); } while (0)
#define LRML_REQUIRE_POW2_BLOCK(maxn) \
    do { if (blockDim.x > (maxn) || (blockDim.x & (blockDim.x - 1)) != 0 || blockDim.y != 1 || blockDim.z != 1) __trap(); } while (0)
