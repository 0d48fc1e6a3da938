// layout.cu -- strided copies (permute, slice, concat, broadcast-expand) and row gather / scatter-add.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   copy_strided_f32     v1 [default] grid-stride over the row-major index space of `shape` (rank <= 8 after
//                                     the launcher merges contiguous axes); 32-bit index math below 2^32 elements.
//   gather_rows_f32      v1 [default] dst row i = src row rows[i]; one thread per destination element.
//   scatter_add_rows_f32 v1 [default] dst row r += every src row i with rows[i] = r, in increasing i. The
//                                     launcher builds a CSR of the indices on the host (touched rows, their
//                                     source lists in increasing order); one thread per (touched row, column)
//                                     adds its sources in that order, so the float sums are bit for bit the
//                                     CPU's and no atomics are needed.
//   gather_axis_f32      v1 [default] dst (outer, n, inner) [o, i, j] = src (outer, A, inner) [o, idx[i], j]; one
//                                     thread per destination element (a gather along any axis, no copies).
//   scatter_add_axis_f32 v1 [default] its adjoint, dst[o, a, j] += src[o, i, j] for every i with idx[i] = a, in
//                                     increasing i: the CSR of scatter_add_rows over the axis positions, one
//                                     thread per (o, touched position, j), bit for bit the CPU's sums.
#include "common.cuh"

template <typename I>
__device__ __forceinline__ void copy_strided_body(int rank, const Dims8& shape, const Dims8& srcStrides,
                                                  const Dims8& dstStrides, const float* __restrict__ src,
                                                  long long srcOffset, float* __restrict__ dst, long long dstOffset,
                                                  long long n) {
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const long long s = lrml_strided_offset<I>((I)i, rank, shape, srcStrides);
        const long long d = lrml_strided_offset<I>((I)i, rank, shape, dstStrides);
        dst[dstOffset + d] = src[srcOffset + s];
    }
}

// n = product of shape; rank >= 1. Source and destination must not overlap (the launcher checks this when
// both are the same buffer).
extern "C" __global__ void copy_strided_f32_v1(int rank, Dims8 shape, Dims8 srcStrides, Dims8 dstStrides,
                                               const float* __restrict__ src, long long srcOffset,
                                               float* __restrict__ dst, long long dstOffset, long long n) {
    if (n <= 0xffffffffLL) {
        copy_strided_body<unsigned int>(rank, shape, srcStrides, dstStrides, src, srcOffset, dst, dstOffset, n);
    } else {
        copy_strided_body<unsigned long long>(rank, shape, srcStrides, dstStrides, src, srcOffset, dst, dstOffset, n);
    }
}

// rows: nRows indices, each already checked on the host to be in range of src.
extern "C" __global__ void gather_rows_f32_v1(const float* __restrict__ src, const int* __restrict__ rows,
                                              float* __restrict__ dst, long long nRows, long long rowLength) {
    const long long n = nRows * rowLength;
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const long long r = i / rowLength;
        const long long j = i - r * rowLength;
        dst[i] = src[(long long)rows[r] * rowLength + j];
    }
}

// CSR of the scatter: touched destination rows dstRows[u] (u < nTouched, distinct), and for each the source
// rows srcIdx[starts[u] .. starts[u+1]) in increasing order.
extern "C" __global__ void scatter_add_rows_f32_v1(const float* __restrict__ src, const int* __restrict__ dstRows,
                                                   const int* __restrict__ starts, const int* __restrict__ srcIdx,
                                                   float* __restrict__ dst, long long nTouched, long long rowLength) {
    const long long n = nTouched * rowLength;
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const long long u = i / rowLength;
        const long long j = i - u * rowLength;
        const long long d = (long long)dstRows[u] * rowLength + j;
        float acc = dst[d];
        const int end = starts[u + 1];
        for (int e = starts[u]; e < end; ++e) {
            acc = __fadd_rn(acc, src[(long long)srcIdx[e] * rowLength + j]);
        }
        dst[d] = acc;
    }
}

// idx: n indices, each already checked on the host to lie in [0, A).
extern "C" __global__ void gather_axis_f32_v1(const float* __restrict__ src, const int* __restrict__ idx,
                                              float* __restrict__ dst, long long outer, long long A, long long n,
                                              long long inner) {
    const long long total = outer * n * inner;
    for (long long e = lrml_thread_index(); e < total; e += lrml_grid_stride()) {
        const long long row = e / inner;          // o n + i
        const long long j = e - row * inner;
        const long long o = row / n;
        const long long i = row - o * n;
        dst[e] = src[(o * A + idx[i]) * inner + j];
    }
}

// CSR of the scatter over axis positions: touched positions dstPos[u] (u < nTouched, distinct), and for each
// the source positions srcIdx[starts[u] .. starts[u+1]) in increasing order; every slice o repeats it.
extern "C" __global__ void scatter_add_axis_f32_v1(const float* __restrict__ src, const int* __restrict__ dstPos,
                                                   const int* __restrict__ starts, const int* __restrict__ srcIdx,
                                                   float* __restrict__ dst, long long outer, long long A, long long n,
                                                   long long nTouched, long long inner) {
    const long long total = outer * nTouched * inner;
    for (long long e = lrml_thread_index(); e < total; e += lrml_grid_stride()) {
        const long long row = e / inner;          // o nTouched + u
        const long long j = e - row * inner;
        const long long o = row / nTouched;
        const long long u = row - o * nTouched;
        const long long d = (o * A + dstPos[u]) * inner + j;
        float acc = dst[d];
        const int end = starts[u + 1];
        for (int k = starts[u]; k < end; ++k) {
            acc = __fadd_rn(acc, src[(o * n + srcIdx[k]) * inner + j]);
        }
        dst[d] = acc;
    }
}
