// topk.cu -- top-k / bottom-k per row (spec section 6): the CUDA side of CpuRanking, identical to it in values
// and indices (selection does no arithmetic on the scores).
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   topk_select_f32 v1 [default] one block of 256 threads per (row, column segment), grid-stride over them:
//                                every eligible, non-NaN score becomes a 64-bit key (common.cuh: ordered score,
//                                then lower column, so ties are exact) and is compared with the width-th best
//                                key kept so far; the few that beat it are staged in shared memory (integer
//                                atomics on a shared counter; the order of the stage does not matter because
//                                the selection is a function of the set). When the stage could overflow, and
//                                at the end, it is merged into the kept list: by rank counting when it holds at
//                                most 64 keys, else by a bitonic sort of the stage, a flip step and half-
//                                cleaners. So a row costs one read of its scores plus a few small merges, never
//                                a sort of the row. Writes the segment's best `width` keys (sorted, key 0
//                                where there are fewer) and/or, for whole rows, the final values and columns.
//   topk_merge_f32  v1 [default] the same selection over per-row lists of keys (the segments of one row, or the
//                                candidates of similarity_topk_f32): one block per row.
//
// Both take a bound key per row (select only keys below it): k beyond one pass's width (1024) runs as several
// passes, each bounded by the last key of the pass before. Block: exactly 256 threads. Shared memory 24 KiB;
// built for 6 resident blocks per SM.
#include "common.cuh"

typedef unsigned long long u64;

#define TK_THREADS 256
// Resident blocks per SM the kernels are built for (24 KiB of shared memory each). Without it ptxas 13 gives
// topk_select 32 registers on sm_90 and spills; six caps it at 42, where nothing spills.
#define TK_MIN_BLOCKS 6
#define TK_PER_THREAD 4
// Candidates examined between two barriers.
#define TK_TILE (TK_THREADS * TK_PER_THREAD)
// Slots one pass selects (a power of two).
#define TK_MAX_WIDTH 1024
// Staging capacity; a flush runs before a tile could overflow it. At least TK_MAX_WIDTH (the flush sorts at
// least the kept width in it).
#define TK_STAGE 2048
// Flushes of at most this many staged keys merge by rank counting instead of sorting (the merged list goes to the
// stage's top TK_MAX_WIDTH slots, so TK_SMALL_FLUSH + TK_MAX_WIDTH <= TK_STAGE).
#define TK_SMALL_FLUSH 64

__device__ __forceinline__ int tk_pow2_at_least(int n) {
    int p = 1;
    while (p < n) p <<= 1;
    return p;
}

// Sorts a[0..n) descending, n a power of two; every thread of the block calls it.
__device__ void tk_sort_desc(u64* a, int n) {
    for (int size = 2; size <= n; size <<= 1) {
        for (int stride = size >> 1; stride > 0; stride >>= 1) {
            for (int i = threadIdx.x; i < (n >> 1); i += blockDim.x) {
                const int lo = 2 * i - (i & (stride - 1));
                const int hi = lo + stride;
                const u64 x = a[lo];
                const u64 y = a[hi];
                // Runs of `size` alternate direction; the last stage (size == n) is all descending.
                const bool desc = (lo & size) == 0;
                if (desc ? x < y : x > y) {
                    a[lo] = y;
                    a[hi] = x;
                }
            }
            __syncthreads();
        }
    }
}

// How many of a[0..n), sorted descending, are greater than x.
__device__ __forceinline__ int tk_count_greater(const u64* a, int n, u64 x) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
        const int mid = (lo + hi) >> 1;
        if (a[mid] > x) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// kept[0..width2) sorted descending, stage[0..count) in any order -> kept holds the best width2 of both, sorted
// descending. Every thread calls it; it ends with a barrier.
//
// Few staged keys (the usual case once a long row's threshold has risen): every key's new place is the number of
// keys of both lists above it (places are distinct: staged keys are unique and nonzero, and kept's zeros differ
// by position), written to the free top of the stage and copied back -- two barriers. Many: the stage is
// bitonic-sorted (at least width2 slots, padded with key 0), making [kept | stage] two sorted runs; the flip step
// keeps max(kept[i], stage[width2-1-i]), a bitonic sequence holding exactly the best width2, and half-cleaners
// sort it.
__device__ void tk_flush(u64* kept, int width2, u64* stage, int count) {
    if (count <= TK_SMALL_FLUSH) {
        u64* merged = stage + TK_STAGE - width2;
        for (int e = threadIdx.x; e < width2 + count; e += blockDim.x) {
            const u64 x = e < width2 ? kept[e] : stage[e - width2];
            int place = e < width2 ? e : tk_count_greater(kept, width2, x);
            for (int i = 0; i < count; ++i) place += stage[i] > x;
            if (place < width2) merged[place] = x;
        }
        __syncthreads();
        for (int i = threadIdx.x; i < width2; i += blockDim.x) kept[i] = merged[i];
        __syncthreads();
        return;
    }
    const int n = max(width2, tk_pow2_at_least(count));
    for (int i = count + threadIdx.x; i < n; i += blockDim.x) stage[i] = LRML_KEY_NONE;
    __syncthreads();
    tk_sort_desc(stage, n);
    __syncthreads();
    for (int i = threadIdx.x; i < width2; i += blockDim.x) {
        const u64 s = stage[width2 - 1 - i];
        if (s > kept[i]) kept[i] = s;
    }
    __syncthreads();
    for (int stride = width2 >> 1; stride > 0; stride >>= 1) {
        for (int i = threadIdx.x; i < (width2 >> 1); i += blockDim.x) {
            const int lo = 2 * i - (i & (stride - 1));
            const int hi = lo + stride;
            const u64 x = kept[lo];
            const u64 y = kept[hi];
            if (x < y) {
                kept[lo] = y;
                kept[hi] = x;
            }
        }
        __syncthreads();
    }
}

// The best `width` keys below `bound` among src.key(0..n) into kept[0..width), sorted descending (key 0 where
// there are fewer). Every thread of the block calls it; it ends with a barrier.
//
// Staged candidates are counted by integer atomics on one of three shared counters, tile t using counters[t % 3]:
// every thread reads tile t's count after tile t's barrier and before tile t+1's, and thread 0 clears the counter
// of tile t+1 during tile t, after everyone has read it (in tile t-2) and before anyone adds to it (tile t+1,
// after the barrier). So one barrier per tile of TK_TILE candidates is enough.
template <class Source>
__device__ void tk_select(const Source& src, long long n, int width, u64 bound, u64* kept, u64* stage, int* counters) {
    const int width2 = tk_pow2_at_least(width);
    for (int i = threadIdx.x; i < width2; i += blockDim.x) kept[i] = LRML_KEY_NONE;
    if (threadIdx.x < 3) counters[threadIdx.x] = 0;
    __syncthreads();
    u64 threshold = LRML_KEY_NONE;  // a key must beat the width-th best kept so far
    int filled = 0;                 // staged candidates, the same in every thread
    int tile = 0;
    for (long long base = 0; base < n; base += TK_TILE, tile = tile == 2 ? 0 : tile + 1) {
        int* count = &counters[tile];
        if (threadIdx.x == 0) counters[tile == 2 ? 0 : tile + 1] = 0;
#pragma unroll
        for (int q = 0; q < TK_PER_THREAD; ++q) {
            const long long i = base + (long long)q * blockDim.x + threadIdx.x;
            if (i < n) {
                const u64 key = src.key(i);
                if (key > threshold && key < bound) {
                    stage[filled + atomicAdd(count, 1)] = key;
                }
            }
        }
        __syncthreads();
        filled += *count;
        if (filled > TK_STAGE - TK_TILE) {
            tk_flush(kept, width2, stage, filled);
            threshold = kept[width - 1];
            filled = 0;
        }
    }
    if (filled > 0) {
        tk_flush(kept, width2, stage, filled);
    }
}

// Scores of one row segment as keys: NaN and masked columns give key 0.
struct TkScores {
    const float* row;  // the row's first column
    long long c0;      // first column of the segment
    long long r;       // row (indexes rowLabels; selfShift is relative to it)
    int largest;
    const int* rowLabels;
    const int* colLabels;
    int rule;
    int excludeSelf;
    long long selfShift;

    __device__ __forceinline__ u64 key(long long i) const {
        const long long j = c0 + i;
        const float v = row[j];
        if (v != v || !lrml_rank_eligible(r, j, rowLabels, colLabels, rule, excludeSelf, selfShift)) {
            return LRML_KEY_NONE;
        }
        return lrml_rank_key(v, j, largest);
    }
};

struct TkKeys {
    const u64* list;

    __device__ __forceinline__ u64 key(long long i) const {
        return list[i];
    }
};

// Writes slots 0..width-1 of a selection: keys (when keysOut) and values / columns (when values), -1 and NaN
// for slots without a candidate.
__device__ __forceinline__ void tk_emit(const u64* kept, int width, int largest, u64* keysOut, float* values,
                                        int* indices) {
    for (int s = threadIdx.x; s < width; s += blockDim.x) {
        const u64 key = kept[s];
        if (keysOut) keysOut[s] = key;
        if (values) {
            values[s] = key == LRML_KEY_NONE ? __uint_as_float(0x7fc00000u) : lrml_rank_value(key, largest);
            indices[s] = key == LRML_KEY_NONE ? -1 : lrml_rank_column(key);
        }
    }
}

// Row r of the scores is scores[r * ld + j], j < cols; segment s covers columns [s * segLen, min(cols, (s+1) *
// segLen)). Per (r, s): the best `width` keys below bound[r * boundLd] (no bound when bound is null) go to
// keys[(r * segs + s) * keysLd + slot] (when keys is not null) and, when values is not null (segs must be 1), the
// value and column to values / indices[r * outLd + slot]. Labels: rowLabels[r], colLabels[j]; rule 0 any, 1 same,
// 2 different; excludeSelf skips j == r + selfShift. The launcher offsets every pointer to the first row.
extern "C" __global__ void __launch_bounds__(TK_THREADS, TK_MIN_BLOCKS)
topk_select_f32_v1(const float* __restrict__ scores, long long ld, int rows, long long cols, long long segLen, int segs,
                   int largest, int width, const int* __restrict__ rowLabels, const int* __restrict__ colLabels, int rule,
                   int excludeSelf, long long selfShift, const u64* __restrict__ bound, long long boundLd,
                   u64* __restrict__ keys, long long keysLd, float* __restrict__ values, int* __restrict__ indices,
                   long long outLd) {
    LRML_REQUIRE_BLOCK(TK_THREADS);
    if (width < 1 || width > TK_MAX_WIDTH) __trap();
    __shared__ u64 kept[TK_MAX_WIDTH];
    __shared__ u64 stage[TK_STAGE];
    __shared__ int counters[3];
    const long long items = (long long)rows * segs;
    for (long long item = blockIdx.x; item < items; item += gridDim.x) {
        const long long r = item / segs;
        const long long s = item - r * segs;
        const long long c0 = s * segLen;
        const long long n = min(segLen, cols - c0);
        const TkScores src{scores + r * ld, c0, r, largest, rowLabels, colLabels, rule, excludeSelf, selfShift};
        const u64 below = bound ? bound[r * boundLd] : LRML_KEY_ABOVE_ALL;
        tk_select(src, n, width, below, kept, stage, counters);
        tk_emit(kept, width, largest, keys ? keys + item * keysLd : nullptr, values ? values + r * outLd : nullptr,
                indices ? indices + r * outLd : nullptr);
        __syncthreads();  // kept is rewritten by the next item
    }
}

// Row r's candidate list is in[r * inLd + i], i < listLen (key 0 = none); output as topk_select_f32_v1 with one
// segment per row.
extern "C" __global__ void __launch_bounds__(TK_THREADS, TK_MIN_BLOCKS)
topk_merge_f32_v1(const u64* __restrict__ in, long long inLd, long long listLen, int rows, int largest, int width,
                  const u64* __restrict__ bound, long long boundLd, u64* __restrict__ keys, long long keysLd,
                  float* __restrict__ values, int* __restrict__ indices, long long outLd) {
    LRML_REQUIRE_BLOCK(TK_THREADS);
    if (width < 1 || width > TK_MAX_WIDTH) __trap();
    __shared__ u64 kept[TK_MAX_WIDTH];
    __shared__ u64 stage[TK_STAGE];
    __shared__ int counters[3];
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const TkKeys src{in + r * inLd};
        const u64 below = bound ? bound[r * boundLd] : LRML_KEY_ABOVE_ALL;
        tk_select(src, listLen, width, below, kept, stage, counters);
        tk_emit(kept, width, largest, keys ? keys + r * keysLd : nullptr, values ? values + r * outLd : nullptr,
                indices ? indices + r * outLd : nullptr);
        __syncthreads();
    }
}
