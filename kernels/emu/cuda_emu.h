// cuda_emu.h -- just enough of CUDA C++ to compile kernels/*.cu with g++ and run them on the CPU.
//
// A test tool, not a product: the native tests can run the CUDA backend against this emulator on machines
// without a GPU (-Dlrml.cuda.emulator=true), so the kernels' index math, bounds, barriers and reductions are
// checked against the CPU backend before any GPU sees them. Each block runs alone; its threads are coroutines
// (started with ucontext, switched with _setjmp/_longjmp) that run until __syncthreads, so shared memory is an
// ordinary static array, a barrier that only some threads reach is reported, and a missing barrier shows up as a
// wrong result. Device memory is host memory with a guard page after every allocation, so out-of-bounds reads
// and writes stop the emulator with the kernel, block and thread named. Math is the host's (glibc), which differs from CUDA's in the last ulp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

struct dim3 {
    unsigned x, y, z;
};
extern dim3 threadIdx, blockIdx, blockDim, gridDim;

void __syncthreads();
[[noreturn]] void __trap();

struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

// Round-to-nearest intrinsics: on the host every operation already rounds once (no contraction without -ffp-contract).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dmul_rn(double a, double b) { return a * b; }

using std::isinf;
using std::max;
using std::min;
using std::signbit;

// Bit casts, as the CUDA intrinsics of the same names.
inline unsigned int __float_as_uint(float f) {
    unsigned int u;
    memcpy(&u, &f, sizeof u);
    return u;
}
inline float __uint_as_float(unsigned int u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

// Integer atomics: a block's threads run one at a time between barriers, so a plain read-modify-write is
// atomic here. (Kernels use them only where the order of the updates cannot change the result.)
inline int atomicAdd(int* p, int v) {
    int old = *p;
    *p = old + v;
    return old;
}
inline unsigned int atomicAdd(unsigned int* p, unsigned int v) {
    unsigned int old = *p;
    *p = old + v;
    return old;
}
