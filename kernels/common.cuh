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

// ---------------------------------------------------------------- ranking keys (topk.cu, similarity.cu)
//
// A ranking candidate (score v at block-local column j of a row) as one 64-bit unsigned key whose integer order
// is the specification's order (CpuTopKHeap.better): a higher score first (lower for bottom-k, where the key
// score is -v; negation is exact), equal scores by lower column. Selection then compares plain integers, and
// ties are exact because no two columns share a key.
//   bits 63..32  the key score kv = (largest ? v : -v) mapped to a totally ordered uint32; -0.0 is mapped as
//                +0.0 first, because the specification ties them (Java's and CUDA's == agree)
//   bits 31..1   0x7fffffff - j, so a lower column is a larger key
//   bit  0       v is -0.0: the one bit the ordered score loses, kept so the value comes back exactly
// Key 0 means "no candidate": every real key has bits 63..32 >= the map of -inf (0x007fffff). NaN scores and
// masked columns never become keys. Columns must be < 2^31 (the Backend's int sizes guarantee it).
#define LRML_KEY_NONE 0ULL
#define LRML_KEY_ABOVE_ALL 0xffffffffffffffffULL

__device__ __forceinline__ unsigned long long lrml_rank_key(float v, long long j, int largest) {
    const float kv = largest ? v : -v;
    unsigned int b = __float_as_uint(kv);
    if (b == 0x80000000u) b = 0u;
    const unsigned int ord = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    const unsigned int negZero = __float_as_uint(v) == 0x80000000u ? 1u : 0u;
    const unsigned int low = ((0x7fffffffu - (unsigned int)j) << 1) | negZero;
    return ((unsigned long long)ord << 32) | low;
}

// The score a key was made from, bit for bit (the inverse of lrml_rank_key).
__device__ __forceinline__ float lrml_rank_value(unsigned long long key, int largest) {
    const unsigned int ord = (unsigned int)(key >> 32);
    const unsigned int b = (ord & 0x80000000u) ? (ord & 0x7fffffffu) : ~ord;
    const float kv = __uint_as_float(b);
    float v = largest ? kv : -kv;
    if (v == 0.0f) v = (key & 1ULL) ? -0.0f : 0.0f;
    return v;
}

// The block-local column of a key.
__device__ __forceinline__ int lrml_rank_column(unsigned long long key) {
    return (int)(0x7fffffffu - ((unsigned int)key >> 1));
}

// Whether column j may be selected for row r (RankSpec.eligible): rule 0 any, 1 same label, 2 different label;
// with excludeSelf, the column whose global index equals the row's (j == r + selfShift, selfShift = rowOffset -
// colOffset) is skipped. Labels are indexed by spec row and spec column.
__device__ __forceinline__ bool lrml_rank_eligible(long long r, long long j, const int* __restrict__ rowLabels,
                                                   const int* __restrict__ colLabels, int rule, int excludeSelf,
                                                   long long selfShift) {
    if (excludeSelf && j == r + selfShift) return false;
    if (rule == 1) return rowLabels[r] == colLabels[j];
    if (rule == 2) return rowLabels[r] != colLabels[j];
    return true;
}
