/*
 * Stand-in libcudnn.so.N: the legacy convolution API the engine's cuDNN bindings call, computing on host memory.
 * Compile with -DFAKE_VERSION=91002 (cuDNN 9.10.2) or 8907 (cuDNN 8.9.7). Signatures as cudnn_graph.h, cudnn_ops.h
 * and cudnn_cnn.h; the perf-result struct is declared as in those headers, so the binding's reading of it is
 * checked against what a C compiler lays out.
 *
 * Heuristics it returns, best first: algo 5 (not deterministic), algo 1 (status NOT_SUPPORTED; tensor-core math
 * unless the descriptor asked for FMA math, as real cuDNN does), algo 2 (deterministic, the descriptor's math, 8 KiB
 * of workspace) -- the provider must pick 2 and pass an 8 KiB workspace. For a convolution with 5 groups every
 * algorithm is non-deterministic, so the provider must fall back to the built-in path.
 */
#include <stdlib.h>
#include <string.h>
#include "fake_trace.h"

#if FAKE_VERSION >= 10000
#define BAD_PARAM 2000
#define NOT_SUPPORTED 3000
#else
#define BAD_PARAM 3
#define NOT_SUPPORTED 9
#endif
#define SUCCESS 0
#define CHOSEN_ALGO 2
#define CHOSEN_WORKSPACE 8192

typedef struct {
    int algo;
    int status;
    float time;
    size_t memory;
    int determinism;
    int mathType;
    int reserved[3];
} perf_t;

typedef struct { char kind; int n, c, h, w; } tensor_t;
typedef struct { char kind; int k, c, h, w; } filter_t;
typedef struct { char kind; int ph, pw, sh, sw, dh, dw, groups, math; } conv_t;

size_t cudnnGetVersion(void) { return FAKE_VERSION; }

const char *cudnnGetErrorString(int status) {
    return status == SUCCESS ? "CUDNN_STATUS_SUCCESS" : status == BAD_PARAM ? "CUDNN_STATUS_BAD_PARAM"
            : status == NOT_SUPPORTED ? "CUDNN_STATUS_NOT_SUPPORTED" : "CUDNN_STATUS_INTERNAL_ERROR";
}

int cudnnCreate(void **handle) { *handle = malloc(16); fake_trace("cudnnCreate"); return SUCCESS; }
int cudnnDestroy(void *handle) { free(handle); fake_trace("cudnnDestroy"); return SUCCESS; }
int cudnnSetStream(void *handle, void *stream) { (void) handle; fake_trace("cudnnSetStream %p", stream); return SUCCESS; }

static int created, destroyed;

static void *make(size_t size, char kind) {
    char *p = calloc(1, size);
    *p = kind;
    created++;
    return p;
}

static int release(void *d, char kind) {
    if (!d || *(char *) d != kind) return BAD_PARAM;
    free(d);
    destroyed++;
    fake_trace("destroyed %c (%d of %d)", kind, destroyed, created);
    return SUCCESS;
}

int cudnnCreateTensorDescriptor(void **d) { *d = make(sizeof(tensor_t), 't'); return SUCCESS; }
int cudnnDestroyTensorDescriptor(void *d) { return release(d, 't'); }
int cudnnCreateFilterDescriptor(void **d) { *d = make(sizeof(filter_t), 'f'); return SUCCESS; }
int cudnnDestroyFilterDescriptor(void *d) { return release(d, 'f'); }
int cudnnCreateConvolutionDescriptor(void **d) { *d = make(sizeof(conv_t), 'c'); return SUCCESS; }
int cudnnDestroyConvolutionDescriptor(void *d) { return release(d, 'c'); }

/* (desc, format, dataType, n, c, h, w): NCHW = 0, FLOAT = 0. */
int cudnnSetTensor4dDescriptor(tensor_t *d, int format, int dataType, int n, int c, int h, int w) {
    if (format != 0 || dataType != 0 || n < 1 || c < 1 || h < 1 || w < 1) return BAD_PARAM;
    d->n = n; d->c = c; d->h = h; d->w = w;
    return SUCCESS;
}

/* (desc, dataType, format, k, c, h, w): the other order than the tensor's. */
int cudnnSetFilter4dDescriptor(filter_t *d, int dataType, int format, int k, int c, int h, int w) {
    if (format != 0 || dataType != 0 || k < 1 || c < 1 || h < 1 || w < 1) return BAD_PARAM;
    d->k = k; d->c = c; d->h = h; d->w = w;
    return SUCCESS;
}

/* mode CUDNN_CROSS_CORRELATION = 1, computeType FLOAT = 0. */
int cudnnSetConvolution2dDescriptor(conv_t *d, int ph, int pw, int sh, int sw, int dh, int dw, int mode, int type) {
    if (mode != 1 || type != 0 || ph < 0 || pw < 0 || sh < 1 || sw < 1 || dh < 1 || dw < 1) return BAD_PARAM;
    d->ph = ph; d->pw = pw; d->sh = sh; d->sw = sw; d->dh = dh; d->dw = dw; d->groups = 1;
    return SUCCESS;
}

int cudnnSetConvolutionGroupCount(conv_t *d, int groups) {
    if (groups < 1) return BAD_PARAM;
    d->groups = groups;
    return SUCCESS;
}

int cudnnSetConvolutionMathType(conv_t *d, int math) {
    d->math = math;
    fake_trace("cudnnSetConvolutionMathType %d", math);
    return SUCCESS;
}

static int out_dim(const conv_t *cv, const tensor_t *x, const filter_t *w, int *oh, int *ow) {
    if (x->c != w->c * cv->groups || w->k % cv->groups != 0) return BAD_PARAM;
    *oh = (x->h + 2 * cv->ph - cv->dh * (w->h - 1) - 1) / cv->sh + 1;
    *ow = (x->w + 2 * cv->pw - cv->dw * (w->w - 1) - 1) / cv->sw + 1;
    return *oh >= 1 && *ow >= 1 ? SUCCESS : BAD_PARAM;
}

int cudnnGetConvolution2dForwardOutputDim(conv_t *cv, tensor_t *x, filter_t *w, int *n, int *c, int *h, int *wo) {
    int r = out_dim(cv, x, w, h, wo);
    *n = x->n;
    *c = w->k;
    return r;
}

static int max_count(void *handle, int *count) { (void) handle; *count = 3; return SUCCESS; }
int cudnnGetConvolutionForwardAlgorithmMaxCount(void *h, int *c) { return max_count(h, c); }
int cudnnGetConvolutionBackwardDataAlgorithmMaxCount(void *h, int *c) { return max_count(h, c); }
int cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(void *h, int *c) { return max_count(h, c); }

static int heuristics(const conv_t *cv, int requested, int *returned, perf_t *out) {
    perf_t all[3] = {
        {5, SUCCESS, 0.1f, 1 << 20, 0, cv->math, {0, 0, 0}},
        {1, NOT_SUPPORTED, 0.2f, 4096, 1, cv->math == 3 ? 3 : 1, {0, 0, 0}},
        {CHOSEN_ALGO, SUCCESS, 0.3f, CHOSEN_WORKSPACE, 1, cv->math, {0, 0, 0}},
    };
    if (cv->groups == 5) {
        all[1].determinism = 0;
        all[2].determinism = 0;
    }
    int n = requested < 3 ? requested : 3;
    memcpy(out, all, n * sizeof(perf_t));
    *returned = n;
    return SUCCESS;
}

int cudnnGetConvolutionForwardAlgorithm_v7(void *h, tensor_t *x, filter_t *w, conv_t *cv, tensor_t *y, int requested,
                                           int *returned, perf_t *out) {
    (void) h; (void) x; (void) w; (void) y;
    return heuristics(cv, requested, returned, out);
}

int cudnnGetConvolutionBackwardDataAlgorithm_v7(void *h, filter_t *w, tensor_t *dy, conv_t *cv, tensor_t *dx,
                                                int requested, int *returned, perf_t *out) {
    (void) h; (void) w; (void) dy; (void) dx;
    return heuristics(cv, requested, returned, out);
}

int cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *h, tensor_t *x, tensor_t *dy, conv_t *cv, filter_t *dw,
                                                  int requested, int *returned, perf_t *out) {
    (void) h; (void) x; (void) dy; (void) dw;
    return heuristics(cv, requested, returned, out);
}

static int workspace(int algo, size_t *bytes) {
    *bytes = algo == CHOSEN_ALGO ? CHOSEN_WORKSPACE : algo == 1 ? 4096 : algo == 5 ? 1 << 20 : 0;
    return algo == CHOSEN_ALGO || algo == 1 || algo == 5 ? SUCCESS : BAD_PARAM;
}

int cudnnGetConvolutionForwardWorkspaceSize(void *h, void *x, void *w, void *cv, void *y, int algo, size_t *bytes) {
    (void) h; (void) x; (void) w; (void) cv; (void) y;
    return workspace(algo, bytes);
}

int cudnnGetConvolutionBackwardDataWorkspaceSize(void *h, void *w, void *dy, void *cv, void *dx, int algo,
                                                 size_t *bytes) {
    (void) h; (void) w; (void) dy; (void) cv; (void) dx;
    return workspace(algo, bytes);
}

int cudnnGetConvolutionBackwardFilterWorkspaceSize(void *h, void *x, void *dy, void *cv, void *dw, int algo,
                                                   size_t *bytes) {
    (void) h; (void) x; (void) dy; (void) cv; (void) dw;
    return workspace(algo, bytes);
}

/* The provider must run the algorithm it was offered with at least its workspace, which must be writable. */
static int check_run(const char *call, const conv_t *cv, const tensor_t *x, const filter_t *w, const tensor_t *y,
                     int algo, void *ws, size_t bytes) {
    int oh, ow;
    fake_trace("%s algo=%d workspace=%zu groups=%d", call, algo, bytes, cv->groups);
    if (algo != CHOSEN_ALGO || ws == NULL || bytes < CHOSEN_WORKSPACE) return BAD_PARAM;
    if (out_dim(cv, x, w, &oh, &ow) != SUCCESS || y->n != x->n || y->c != w->k || y->h != oh || y->w != ow) {
        return BAD_PARAM;
    }
    memset(ws, 0xAB, bytes);
    return SUCCESS;
}

/* Element (I0, I1, I2, I3) of an NCHW array P shaped like descriptor D (a tensor or a filter: both have c, h, w). */
#define AT4(P, D, I0, I1, I2, I3) (P)[(((long) (I0) * (D)->c + (I1)) * (D)->h + (I2)) * (D)->w + (I3)]
#define WAT(P, D, I0, I1, I2, I3) AT4(P, D, I0, I1, I2, I3)

/* Visits every (image, output channel, output position, filter tap) with its input position. */
#define FOR_TAPS(CV, XD, WD, YD, BODY)                                                          \
    for (int n = 0; n < (YD)->n; n++)                                                           \
        for (int co = 0; co < (YD)->c; co++) {                                                  \
            int g = co / ((WD)->k / (CV)->groups);                                              \
            for (int oh = 0; oh < (YD)->h; oh++)                                                \
                for (int ow = 0; ow < (YD)->w; ow++)                                            \
                    for (int ci = 0; ci < (WD)->c; ci++)                                        \
                        for (int r = 0; r < (WD)->h; r++)                                       \
                            for (int s = 0; s < (WD)->w; s++) {                                 \
                                int ih = oh * (CV)->sh - (CV)->ph + r * (CV)->dh;               \
                                int iw = ow * (CV)->sw - (CV)->pw + s * (CV)->dw;               \
                                if (ih < 0 || ih >= (XD)->h || iw < 0 || iw >= (XD)->w) continue;\
                                int cx = g * (WD)->c + ci;                                      \
                                BODY                                                            \
                            }                                                                   \
        }

static void store(float *out, const double *acc, long count, float alpha, float beta) {
    for (long i = 0; i < count; i++) {
        out[i] = beta == 0 ? (float) (alpha * acc[i]) : (float) (alpha * acc[i] + (double) beta * out[i]);
    }
}

int cudnnConvolutionForward(void *h, const float *alpha, tensor_t *xd, const float *x, filter_t *wd, const float *w,
                            conv_t *cv, int algo, void *ws, size_t bytes, const float *beta, tensor_t *yd, float *y) {
    (void) h;
    int rc = check_run("cudnnConvolutionForward", cv, xd, wd, yd, algo, ws, bytes);
    if (rc != SUCCESS) return rc;
    long count = (long) yd->n * yd->c * yd->h * yd->w;
    double *acc = calloc(count, sizeof(double));
    FOR_TAPS(cv, xd, wd, yd, {
        AT4(acc, yd, n, co, oh, ow) += (double) WAT(w, wd, co, ci, r, s) * AT4(x, xd, n, cx, ih, iw);
    })
    store(y, acc, count, *alpha, *beta);
    free(acc);
    return SUCCESS;
}

int cudnnConvolutionBackwardData(void *h, const float *alpha, filter_t *wd, const float *w, tensor_t *dyd,
                                 const float *dy, conv_t *cv, int algo, void *ws, size_t bytes, const float *beta,
                                 tensor_t *dxd, float *dx) {
    (void) h;
    int rc = check_run("cudnnConvolutionBackwardData", cv, dxd, wd, dyd, algo, ws, bytes);
    if (rc != SUCCESS) return rc;
    long count = (long) dxd->n * dxd->c * dxd->h * dxd->w;
    double *acc = calloc(count, sizeof(double));
    FOR_TAPS(cv, dxd, wd, dyd, {
        AT4(acc, dxd, n, cx, ih, iw) += (double) WAT(w, wd, co, ci, r, s) * AT4(dy, dyd, n, co, oh, ow);
    })
    store(dx, acc, count, *alpha, *beta);
    free(acc);
    return SUCCESS;
}

int cudnnConvolutionBackwardFilter(void *h, const float *alpha, tensor_t *xd, const float *x, tensor_t *dyd,
                                   const float *dy, conv_t *cv, int algo, void *ws, size_t bytes, const float *beta,
                                   filter_t *dwd, float *dw) {
    (void) h;
    int rc = check_run("cudnnConvolutionBackwardFilter", cv, xd, dwd, dyd, algo, ws, bytes);
    if (rc != SUCCESS) return rc;
    long count = (long) dwd->k * dwd->c * dwd->h * dwd->w;
    double *acc = calloc(count, sizeof(double));
    FOR_TAPS(cv, xd, dwd, dyd, {
        WAT(acc, dwd, co, ci, r, s) += (double) AT4(x, xd, n, cx, ih, iw) * AT4(dy, dyd, n, co, oh, ow);
    })
    store(dw, acc, count, *alpha, *beta);
    free(acc);
    return SUCCESS;
}
