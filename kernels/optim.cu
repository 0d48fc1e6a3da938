// optim.cu -- multi-tensor optimiser steps: one launch updates every parameter tensor in place.
//
// The host uploads a table with one OptimSlot per tensor (device pointers, length, learning rate and weight
// decay) and a list of chunks (tensor, start) of at most chunkSize elements each, so one launch balances
// tensors of any sizes: a block takes chunks in grid-stride order and its threads take the chunk's elements.
// Every element is computed in double from float storage and rounded once when stored; the formulas are
// PyTorch's (see Backend.sgdStep / Backend.adamStep).
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   sgd_f32  v1 [default] SGD with momentum, dampening, Nesterov and weight decay; s1 = velocity (may be 0
//                         when momentum is 0).
//   adam_f32 v1 [default] Adam (L2 weight decay added to the gradient) or AdamW (decoupled: param *= 1 - lr wd
//                         first), bias-corrected with bc1 = 1 - beta1^t and bc2 = 1 - beta2^t from the host;
//                         s1 = first moment m, s2 = second moment v.
// nvcc-flags: -fmad=false (the CPU computes these doubles without fused multiply-adds, and the stored state must
// match it bit for bit (a resumed run reads it back))
#include "common.cuh"

// 64 bytes; OptimKernels writes this layout little-endian, field by field.
struct OptimSlot {
    float* param;
    const float* grad;
    float* s1;
    float* s2;
    long long n;
    double lr;
    double wd;
    long long reserved;
};

// 16 bytes.
struct OptimChunk {
    long long start;
    int slot;
    int reserved;
};

extern "C" __global__ void sgd_f32_v1(const OptimSlot* __restrict__ slots, const OptimChunk* __restrict__ chunks,
                                      int nChunks, int chunkSize, double momentum, double dampening, int nesterov,
                                      int firstStep) {
    for (int ci = blockIdx.x; ci < nChunks; ci += gridDim.x) {
        const OptimChunk ck = chunks[ci];
        const OptimSlot sl = slots[ck.slot];
        const long long end = min(ck.start + (long long)chunkSize, sl.n);
        for (long long i = ck.start + threadIdx.x; i < end; i += blockDim.x) {
            const double p = (double)sl.param[i];
            double g = (double)sl.grad[i];
            if (sl.wd != 0.0) g += sl.wd * p;
            double step = g;
            if (momentum != 0.0) {
                const double v = firstStep ? g : momentum * (double)sl.s1[i] + (1.0 - dampening) * g;
                // PyTorch keeps the buffer in the parameter's dtype, so the stored (rounded) value is what
                // the next step sees; the step below uses the same rounded value.
                const float vf = (float)v;
                sl.s1[i] = vf;
                step = nesterov ? g + momentum * (double)vf : (double)vf;
            }
            sl.param[i] = (float)(p - sl.lr * step);
        }
    }
}

extern "C" __global__ void adam_f32_v1(const OptimSlot* __restrict__ slots, const OptimChunk* __restrict__ chunks,
                                       int nChunks, int chunkSize, double beta1, double beta2, double eps,
                                       int decoupled, double bc1, double bc2) {
    const double sqrtBc2 = sqrt(bc2);
    for (int ci = blockIdx.x; ci < nChunks; ci += gridDim.x) {
        const OptimChunk ck = chunks[ci];
        const OptimSlot sl = slots[ck.slot];
        const long long end = min(ck.start + (long long)chunkSize, sl.n);
        const double stepSize = sl.lr / bc1;
        for (long long i = ck.start + threadIdx.x; i < end; i += blockDim.x) {
            double p = (double)sl.param[i];
            double g = (double)sl.grad[i];
            if (decoupled) {
                p *= 1.0 - sl.lr * sl.wd;
            } else if (sl.wd != 0.0) {
                g += sl.wd * p;
            }
            const float m = (float)(beta1 * (double)sl.s1[i] + (1.0 - beta1) * g);
            const float v = (float)(beta2 * (double)sl.s2[i] + (1.0 - beta2) * g * g);
            sl.s1[i] = m;
            sl.s2[i] = v;
            const double denom = sqrt((double)v) / sqrtBc2 + eps;
            sl.param[i] = (float)(p - stepSize * (double)m / denom);
        }
    }
}
