package org.lrml.backend.cuda.vendor;

import java.util.List;

/**
 * The cuDNN calls the convolution provider makes (the legacy convolution API, which cuDNN 9 keeps in
 * libcudnn_cnn), on one handle created for the backend's stream. Descriptors are opaque objects of the binding;
 * tensors are float32 NCHW, filters float32 KCRS. Failures are {@link VendorException}s naming the call.
 */
public interface CudnnSession extends AutoCloseable {
    /** cudnnMathType_t: FMA only, so no TF32 tensor cores (CUDNN_DEFAULT_MATH would allow them on Ampere+). */
    int FMA_MATH = 3;
    int DEFAULT_MATH = 0;
    /** cudnnDeterminism_t. */
    int DETERMINISTIC = 1;

    /** The library's version as it reports it (cudnnGetVersion). */
    LibraryVersion version();

    /** cudnnCreateTensorDescriptor + cudnnSetTensor4dDescriptor(NCHW, FLOAT, n, c, h, w). */
    Object tensor(int n, int c, int h, int w);

    /** cudnnCreateFilterDescriptor + cudnnSetFilter4dDescriptor(FLOAT, NCHW, k, c, h, w). */
    Object filter(int k, int c, int h, int w);

    /**
     * cudnnCreateConvolutionDescriptor + cudnnSetConvolution2dDescriptor(cross-correlation, FLOAT) +
     * cudnnSetConvolutionGroupCount + cudnnSetConvolutionMathType.
     */
    Object convolution(int padH, int padW, int strideH, int strideW, int dilH, int dilW, int groups, int mathType);

    /** cudnnGetConvolution2dForwardOutputDim: {n, c, h, w}. */
    int[] outputDim(Object conv, Object x, Object w);

    /** cudnnGetConvolutionForwardAlgorithm_v7 with the library's maximum count: heuristics, best first. */
    List<AlgoPerf> forwardAlgorithms(Object x, Object w, Object conv, Object y);

    List<AlgoPerf> backwardDataAlgorithms(Object w, Object dy, Object conv, Object dx);

    List<AlgoPerf> backwardFilterAlgorithms(Object x, Object dy, Object conv, Object dw);

    long forwardWorkspace(Object x, Object w, Object conv, Object y, int algo);

    long backwardDataWorkspace(Object w, Object dy, Object conv, Object dx, int algo);

    long backwardFilterWorkspace(Object x, Object dy, Object conv, Object dw, int algo);

    /** cudnnConvolutionForward: y = alpha conv(x, w) + beta y. */
    void forward(float alpha, Object xd, long x, Object wd, long w, Object conv, int algo, long workspace,
                 long workspaceBytes, float beta, Object yd, long y);

    /** cudnnConvolutionBackwardData: dx = alpha conv^T(dy, w) + beta dx. */
    void backwardData(float alpha, Object wd, long w, Object dyd, long dy, Object conv, int algo, long workspace,
                      long workspaceBytes, float beta, Object dxd, long dx);

    /** cudnnConvolutionBackwardFilter: dw = alpha corr(x, dy) + beta dw. */
    void backwardFilter(float alpha, Object xd, long x, Object dyd, long dy, Object conv, int algo, long workspace,
                        long workspaceBytes, float beta, Object dwd, long dw);

    /** Destroys a descriptor this session created. */
    void destroy(Object descriptor);

    /** cudnnDestroy. */
    @Override
    void close();

    /**
     * One entry of cudnnConvolution*AlgoPerf_t: {int algo, int status, float time, size_t memory, int determinism,
     * int mathType, int reserved[3]}.
     */
    record AlgoPerf(int algo, int status, float time, long memory, int determinism, int mathType) {
    }
}
