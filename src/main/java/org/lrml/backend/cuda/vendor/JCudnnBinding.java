package org.lrml.backend.cuda.vendor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jcuda.JCudaVersion;
import jcuda.LibUtils;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.runtime.cudaStream_t;

/**
 * cuDNN 8 through JCudnn 11.7.0, the only published JCudnn. Its Java class asks JCuda's loader for its native
 * library under the JCuda core version's name ("JCudnn-" + JCudaVersion.get(), i.e. JCudnn-12.6.0 beside JCuda
 * 12.6.0), while org.jcuda:jcudnn-natives:11.7.0 ships it as libJCudnn-11.7.0-*. The build therefore copies that
 * native library into the engine jar as lib/libJCudnn-12.6.0-&lt;platform&gt; (pom.xml, generate-resources), the
 * resource name the loader then finds. That is sound because the JNI library binds only to libcudnn.so.8 and to
 * JCuda's Java classes (Pointer, NativePointerObject, cudaStream_t), whose fields it looks up when it loads and
 * which JCuda 12.6.0 still has; a test loads it beside JCuda 12.6.0 against a stand-in libcudnn.so.8 and runs the
 * whole convolution path through it.
 */
final class JCudnnBinding implements Binding<CudnnSession> {
    static final String SONAME = "libcudnn.so.8";
    private static volatile String classFailure;

    private Path path;
    private LibraryVersion version;
    private List<String> notes = List.of();

    @Override
    public String label() {
        return "cuDNN 8 via JCudnn 11.7.0";
    }

    @Override
    public String soname() {
        return SONAME;
    }

    /** The resource name JCuda 12.6.0's loader asks for, e.g. lib/libJCudnn-12.6.0-linux-x86_64.so. */
    static String nativeResource() {
        return "lib/" + LibUtils.createLibraryFileName(LibUtils.createPlatformLibraryName("JCudnn-" + JCudaVersion.get()));
    }

    @Override
    public String probe(LibrarySearch search) {
        Path p = search.find(SONAME);
        if (p == null) {
            return search.notFound(SONAME);
        }
        CudnnLibraries.Loaded loaded = CudnnLibraries.load(p, 8, search);
        if (loaded.failure() != null) {
            return loaded.failure();
        }
        String failure = initialise();
        if (failure != null) {
            return failure;
        }
        LibraryVersion found = LibraryVersion.ofCudnn(JCudnn.cudnnGetVersion());
        if (found.major() != 8) {
            return "cudnnGetVersion returned " + found + " for " + p + " but JCudnn 11.7.0 needs 8.x";
        }
        path = p;
        version = found;
        notes = loaded.notes();
        return null;
    }

    private static synchronized String initialise() {
        if (classFailure == null) {
            String resource = nativeResource();
            if (JCudnnBinding.class.getClassLoader().getResource(resource) == null) {
                classFailure = "this build lacks " + resource + ", JCudnn 11.7.0's native library under the name JCuda "
                        + JCudaVersion.get() + "'s loader asks for (pom.xml copies it at generate-resources; rebuild)";
            } else {
                try {
                    JCudnn.setExceptionsEnabled(false);
                } catch (Throwable t) {
                    classFailure = "JCudnn's native library (" + resource + ") does not load: " + JniFailures.reason(t);
                }
            }
        }
        return classFailure;
    }

    @Override
    public String describe() {
        return "cuDNN " + version + " via JCudnn 11.7.0 (" + path + ")" + (notes.isEmpty() ? "" : "; " + notes);
    }

    @Override
    public CudnnSession open(NativeStream stream) {
        cudnnHandle h = new cudnnHandle();
        check(JCudnn.cudnnCreate(h), "cudnnCreate");
        try {
            check(JCudnn.cudnnSetStream(h, new cudaStream_t((CUstream) stream.jcudaStream())), "cudnnSetStream");
        } catch (RuntimeException e) {
            JCudnn.cudnnDestroy(h);
            throw e;
        }
        return new Session(h, version);
    }

    static void check(int status, String call) {
        if (status != 0) {
            throw new VendorException(call + " failed with " + JCudnn.cudnnGetErrorString(status) + " (" + status + ")",
                    status);
        }
    }

    private static Pointer device(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    private static Pointer host(float v) {
        return Pointer.to(new float[]{v});
    }

    /**
     * JCudnn 11.7.0's JNI code does not copy the perf results' mathType (it stays 0 whatever cuDNN wrote; found with
     * the stand-in library), so it is reported as unknown: the convolution descriptor's CUDNN_FMA_MATH is what keeps
     * cuDNN off tensor cores, with either binding.
     */
    static final int MATH_NOT_REPORTED = -1;

    private static final class Session implements CudnnSession {
        private static final int NCHW = 0;
        private static final int FLOAT = 0;
        private static final int CROSS_CORRELATION = 1;

        private cudnnHandle handle;
        private final LibraryVersion version;

        Session(cudnnHandle handle, LibraryVersion version) {
            this.handle = handle;
            this.version = version;
        }

        @Override
        public LibraryVersion version() {
            return version;
        }

        @Override
        public Object tensor(int n, int c, int h, int w) {
            cudnnTensorDescriptor d = new cudnnTensorDescriptor();
            check(JCudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
            check(JCudnn.cudnnSetTensor4dDescriptor(d, NCHW, FLOAT, n, c, h, w),
                    "cudnnSetTensor4dDescriptor(" + n + ", " + c + ", " + h + ", " + w + ")");
            return d;
        }

        @Override
        public Object filter(int k, int c, int h, int w) {
            cudnnFilterDescriptor d = new cudnnFilterDescriptor();
            check(JCudnn.cudnnCreateFilterDescriptor(d), "cudnnCreateFilterDescriptor");
            check(JCudnn.cudnnSetFilter4dDescriptor(d, FLOAT, NCHW, k, c, h, w),
                    "cudnnSetFilter4dDescriptor(" + k + ", " + c + ", " + h + ", " + w + ")");
            return d;
        }

        @Override
        public Object convolution(int padH, int padW, int strideH, int strideW, int dilH, int dilW, int groups,
                                  int mathType) {
            cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
            check(JCudnn.cudnnCreateConvolutionDescriptor(d), "cudnnCreateConvolutionDescriptor");
            check(JCudnn.cudnnSetConvolution2dDescriptor(d, padH, padW, strideH, strideW, dilH, dilW, CROSS_CORRELATION,
                    FLOAT), "cudnnSetConvolution2dDescriptor(pad " + padH + "x" + padW + ", stride " + strideH + "x"
                    + strideW + ", dilation " + dilH + "x" + dilW + ")");
            check(JCudnn.cudnnSetConvolutionGroupCount(d, groups), "cudnnSetConvolutionGroupCount(" + groups + ")");
            check(JCudnn.cudnnSetConvolutionMathType(d, mathType), "cudnnSetConvolutionMathType(" + mathType + ")");
            return d;
        }

        @Override
        public int[] outputDim(Object conv, Object x, Object w) {
            int[] n = new int[1];
            int[] c = new int[1];
            int[] h = new int[1];
            int[] wd = new int[1];
            check(JCudnn.cudnnGetConvolution2dForwardOutputDim((cudnnConvolutionDescriptor) conv,
                    (cudnnTensorDescriptor) x, (cudnnFilterDescriptor) w, n, c, h, wd), "cudnnGetConvolution2dForwardOutputDim");
            return new int[]{n[0], c[0], h[0], wd[0]};
        }

        @Override
        public List<AlgoPerf> forwardAlgorithms(Object x, Object w, Object conv, Object y) {
            int[] max = new int[1];
            check(JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(handle, max), "cudnnGetConvolutionForwardAlgorithmMaxCount");
            cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionFwdAlgoPerf();
            }
            int[] count = new int[1];
            check(JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(handle, (cudnnTensorDescriptor) x,
                    (cudnnFilterDescriptor) w, (cudnnConvolutionDescriptor) conv, (cudnnTensorDescriptor) y, perf.length,
                    count, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
            List<AlgoPerf> out = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                cudnnConvolutionFwdAlgoPerf p = perf[i];
                out.add(new AlgoPerf(p.algo, p.status, p.time, p.memory, p.determinism, MATH_NOT_REPORTED));
            }
            return out;
        }

        @Override
        public List<AlgoPerf> backwardDataAlgorithms(Object w, Object dy, Object conv, Object dx) {
            int[] max = new int[1];
            check(JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, max),
                    "cudnnGetConvolutionBackwardDataAlgorithmMaxCount");
            cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
            }
            int[] count = new int[1];
            check(JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, (cudnnFilterDescriptor) w,
                    (cudnnTensorDescriptor) dy, (cudnnConvolutionDescriptor) conv, (cudnnTensorDescriptor) dx,
                    perf.length, count, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7");
            List<AlgoPerf> out = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                cudnnConvolutionBwdDataAlgoPerf p = perf[i];
                out.add(new AlgoPerf(p.algo, p.status, p.time, p.memory, p.determinism, MATH_NOT_REPORTED));
            }
            return out;
        }

        @Override
        public List<AlgoPerf> backwardFilterAlgorithms(Object x, Object dy, Object conv, Object dw) {
            int[] max = new int[1];
            check(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, max),
                    "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount");
            cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[max[0]];
            for (int i = 0; i < perf.length; i++) {
                perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
            }
            int[] count = new int[1];
            check(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, (cudnnTensorDescriptor) x,
                    (cudnnTensorDescriptor) dy, (cudnnConvolutionDescriptor) conv, (cudnnFilterDescriptor) dw,
                    perf.length, count, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
            List<AlgoPerf> out = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                cudnnConvolutionBwdFilterAlgoPerf p = perf[i];
                out.add(new AlgoPerf(p.algo, p.status, p.time, p.memory, p.determinism, MATH_NOT_REPORTED));
            }
            return out;
        }

        @Override
        public long forwardWorkspace(Object x, Object w, Object conv, Object y, int algo) {
            long[] bytes = new long[1];
            check(JCudnn.cudnnGetConvolutionForwardWorkspaceSize(handle, (cudnnTensorDescriptor) x,
                    (cudnnFilterDescriptor) w, (cudnnConvolutionDescriptor) conv, (cudnnTensorDescriptor) y, algo, bytes),
                    "cudnnGetConvolutionForwardWorkspaceSize(algo " + algo + ")");
            return bytes[0];
        }

        @Override
        public long backwardDataWorkspace(Object w, Object dy, Object conv, Object dx, int algo) {
            long[] bytes = new long[1];
            check(JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(handle, (cudnnFilterDescriptor) w,
                    (cudnnTensorDescriptor) dy, (cudnnConvolutionDescriptor) conv, (cudnnTensorDescriptor) dx, algo,
                    bytes), "cudnnGetConvolutionBackwardDataWorkspaceSize(algo " + algo + ")");
            return bytes[0];
        }

        @Override
        public long backwardFilterWorkspace(Object x, Object dy, Object conv, Object dw, int algo) {
            long[] bytes = new long[1];
            check(JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, (cudnnTensorDescriptor) x,
                    (cudnnTensorDescriptor) dy, (cudnnConvolutionDescriptor) conv, (cudnnFilterDescriptor) dw, algo,
                    bytes), "cudnnGetConvolutionBackwardFilterWorkspaceSize(algo " + algo + ")");
            return bytes[0];
        }

        @Override
        public void forward(float alpha, Object xd, long x, Object wd, long w, Object conv, int algo, long workspace,
                            long workspaceBytes, float beta, Object yd, long y) {
            check(JCudnn.cudnnConvolutionForward(handle, host(alpha), (cudnnTensorDescriptor) xd, device(x),
                    (cudnnFilterDescriptor) wd, device(w), (cudnnConvolutionDescriptor) conv, algo, device(workspace),
                    workspaceBytes, host(beta), (cudnnTensorDescriptor) yd, device(y)),
                    "cudnnConvolutionForward(algo " + algo + ", workspace " + workspaceBytes + " B)");
        }

        @Override
        public void backwardData(float alpha, Object wd, long w, Object dyd, long dy, Object conv, int algo,
                                 long workspace, long workspaceBytes, float beta, Object dxd, long dx) {
            check(JCudnn.cudnnConvolutionBackwardData(handle, host(alpha), (cudnnFilterDescriptor) wd, device(w),
                    (cudnnTensorDescriptor) dyd, device(dy), (cudnnConvolutionDescriptor) conv, algo, device(workspace),
                    workspaceBytes, host(beta), (cudnnTensorDescriptor) dxd, device(dx)),
                    "cudnnConvolutionBackwardData(algo " + algo + ", workspace " + workspaceBytes + " B)");
        }

        @Override
        public void backwardFilter(float alpha, Object xd, long x, Object dyd, long dy, Object conv, int algo,
                                   long workspace, long workspaceBytes, float beta, Object dwd, long dw) {
            check(JCudnn.cudnnConvolutionBackwardFilter(handle, host(alpha), (cudnnTensorDescriptor) xd, device(x),
                    (cudnnTensorDescriptor) dyd, device(dy), (cudnnConvolutionDescriptor) conv, algo, device(workspace),
                    workspaceBytes, host(beta), (cudnnFilterDescriptor) dwd, device(dw)),
                    "cudnnConvolutionBackwardFilter(algo " + algo + ", workspace " + workspaceBytes + " B)");
        }

        @Override
        public void destroy(Object d) {
            if (d instanceof cudnnTensorDescriptor t) {
                JCudnn.cudnnDestroyTensorDescriptor(t);
            } else if (d instanceof cudnnFilterDescriptor f) {
                JCudnn.cudnnDestroyFilterDescriptor(f);
            } else if (d instanceof cudnnConvolutionDescriptor c) {
                JCudnn.cudnnDestroyConvolutionDescriptor(c);
            }
        }

        @Override
        public void close() {
            if (handle != null) {
                cudnnHandle h = handle;
                handle = null;
                check(JCudnn.cudnnDestroy(h), "cudnnDestroy");
            }
        }
    }
}
