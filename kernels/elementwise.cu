// elementwise.cu -- fill, unary maps, broadcasting binary maps and axpy on float32.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   fill_f32    v1 [default] grid-stride fill of n floats with one value.
//   unary_f32   v1 [default] grid-stride y = f(x; p0, p1) for every UnaryOp; computed in double and rounded
//                            once, exactly as the CPU specification (CpuElementwise.unaryOf), so results agree
//                            bit for bit up to the last ulp of exp/log/pow.
//   binary_f32  v1 [default] grid-stride out = f(a, b) with broadcasting over collapsed shapes (rank <= 8,
//                            stride 0 on broadcast axes); 32-bit index math when the output has < 2^31 elements.
//   axpy_f32    v1 [default] grid-stride y += alpha * x without fused multiply-add (the CPU's float order).
//
// Launch: 1-D grids of any size (grid-stride loops); block size free (the launcher uses 256).
#include "common.cuh"

// Operation codes; ElementwiseKernels maps the Java enums onto these numbers one by one.
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_ABS 4
#define U_SIGN 5
#define U_RELU 6
#define U_POW 7
#define U_AFFINE 8
#define U_CLAMP 9
#define U_IN_RANGE 10
#define U_GREATER 11
#define U_RECIPROCAL 12
#define U_TANH 13
#define U_SIGMOID 14

#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAX 5
#define B_MIN 6
#define B_EQ 7

extern "C" __global__ void fill_f32_v1(float* __restrict__ y, float value, long long n) {
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        y[i] = value;
    }
}

// The CPU specification of each unary op in double (CpuElementwise.unaryOf).
__device__ __forceinline__ double unary_of(int op, double x, double p0, double p1) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_SIGN: return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);  // NaN and +-0 pass through, as Math.signum
        case U_RELU: return x > 0.0 ? x : (x == x ? 0.0 : x);
        case U_POW: return lrml_jpow(x, p0);
        case U_AFFINE: return __dadd_rn(__dmul_rn(p0, x), p1);
        case U_CLAMP: return lrml_jmin(lrml_jmax(x, p0), p1);
        case U_IN_RANGE: return (p0 <= x && x <= p1) ? 1.0 : 0.0;
        case U_GREATER: return x > p0 ? 1.0 : 0.0;
        case U_RECIPROCAL: return 1.0 / x;
        case U_TANH: return tanh(x);
        case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
        default: __trap(); return x;  // unreachable: the launcher only passes known codes
    }
}

// y may equal x (in place): each element is read and written by the same thread, so no __restrict__.
extern "C" __global__ void unary_f32_v1(int op, const float* x, float* y, long long n, double p0, double p1) {
    // GREATER compares in float against the rounded threshold, as the CPU's float32 loop does.
    const float p0f = (float)p0;
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const float v = x[i];
        float r;
        if (op == U_GREATER) {
            r = v > p0f ? 1.0f : 0.0f;
        } else {
            r = (float)unary_of(op, (double)v, p0, p1);
        }
        y[i] = r;
    }
}

// +, -, *, / in float are exactly the CPU's (double rounding of these is innocuous); the others as in double.
__device__ __forceinline__ float binary_of(int op, float a, float b) {
    switch (op) {
        case B_ADD: return __fadd_rn(a, b);
        case B_SUB: return __fsub_rn(a, b);
        case B_MUL: return __fmul_rn(a, b);
        case B_DIV: return __fdiv_rn(a, b);
        case B_POW: return (float)lrml_jpow((double)a, (double)b);
        case B_MAX: return lrml_jmaxf(a, b);
        case B_MIN: return lrml_jminf(a, b);
        case B_EQ: return a == b ? 1.0f : 0.0f;
        default: __trap(); return a;
    }
}

template <typename I>
__device__ __forceinline__ void binary_loop(int op, int rank, const Dims8& shape, const Dims8& as, const Dims8& bs,
                                            const float* a, const float* b, float* out, long long n) {
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const long long ia = lrml_strided_offset<I>((I)i, rank, shape, as);
        const long long ib = lrml_strided_offset<I>((I)i, rank, shape, bs);
        out[i] = binary_of(op, a[ia], b[ib]);
    }
}

// out is contiguous with the collapsed `shape`; a and b are read through strides (0 on broadcast axes).
// out may equal a or b when their shapes equal out's (elementwise in place), hence no __restrict__.
extern "C" __global__ void binary_f32_v1(int op, int rank, Dims8 shape, Dims8 aStrides, Dims8 bStrides,
                                         const float* a, const float* b, float* out, long long n) {
    if (n <= 0x7fffffffLL) {
        binary_loop<unsigned int>(op, rank, shape, aStrides, bStrides, a, b, out, n);
    } else {
        binary_loop<unsigned long long>(op, rank, shape, aStrides, bStrides, a, b, out, n);
    }
}

extern "C" __global__ void axpy_f32_v1(float alpha, const float* __restrict__ x, float* __restrict__ y, long long n) {
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        y[i] = __fadd_rn(y[i], __fmul_rn(alpha, x[i]));
    }
}
