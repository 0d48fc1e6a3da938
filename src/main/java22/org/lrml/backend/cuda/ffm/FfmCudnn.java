package org.lrml.backend.cuda.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.cuda.vendor.Binding;
import org.lrml.backend.cuda.vendor.CudnnLibraries;
import org.lrml.backend.cuda.vendor.CudnnSession;
import org.lrml.backend.cuda.vendor.LibrarySearch;
import org.lrml.backend.cuda.vendor.LibraryVersion;
import org.lrml.backend.cuda.vendor.NativeStream;
import org.lrml.backend.cuda.vendor.VendorException;

/**
 * cuDNN 9 through the foreign-function API: the legacy convolution API (cudnn_cnn.h, exported by libcudnn.so.9,
 * which forwards to libcudnn_cnn.so.9) and the handle and tensor functions (cudnn_graph.h / cudnn_ops.h). All enums
 * and cudnnStatus_t are C ints, descriptors and handles pointers, sizes size_t. The perf-result struct is
 * <pre>
 *   typedef struct { cudnnConvolutionFwdAlgo_t algo; cudnnStatus_t status; float time; size_t memory;
 *                    cudnnDeterminism_t determinism; cudnnMathType_t mathType; int reserved[3]; } ...AlgoPerf_t;
 * </pre>
 * (the same layout for the backward-data and backward-filter variants): 48 bytes on LP64, memory at offset 16.
 */
final class FfmCudnn implements Binding<CudnnSession> {
    static final StructLayout ALGO_PERF = MemoryLayout.structLayout(
            JAVA_INT.withName("algo"), JAVA_INT.withName("status"), JAVA_FLOAT.withName("time"),
            MemoryLayout.paddingLayout(4), JAVA_LONG.withName("memory"), JAVA_INT.withName("determinism"),
            JAVA_INT.withName("mathType"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"),
            MemoryLayout.paddingLayout(4));
    private static final long ALGO = offset("algo");
    private static final long STATUS = offset("status");
    private static final long TIME = offset("time");
    private static final long MEMORY = offset("memory");
    private static final long DETERMINISM = offset("determinism");
    private static final long MATH_TYPE = offset("mathType");

    private static final int NCHW = 0;
    private static final int FLOAT = 0;
    private static final int CROSS_CORRELATION = 1;

    private static final FunctionDescriptor STATUS_OF_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor STATUS_OF_2PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    private final String soname;
    private Path path;
    private LibraryVersion version;
    private List<String> notes = List.of();
    private final Functions fn = new Functions();

    /** The downcall handles, found at probe time. */
    private static final class Functions {
        MethodHandle getVersion;
        MethodHandle getErrorString;
        MethodHandle create;
        MethodHandle destroy;
        MethodHandle setStream;
        MethodHandle createTensor;
        MethodHandle setTensor4d;
        MethodHandle destroyTensor;
        MethodHandle createFilter;
        MethodHandle setFilter4d;
        MethodHandle destroyFilter;
        MethodHandle createConv;
        MethodHandle setConv2d;
        MethodHandle setGroupCount;
        MethodHandle setMathType;
        MethodHandle destroyConv;
        MethodHandle outputDim;
        MethodHandle fwdMaxCount;
        MethodHandle fwdAlgos;
        MethodHandle fwdWorkspace;
        MethodHandle forward;
        MethodHandle bwdDataMaxCount;
        MethodHandle bwdDataAlgos;
        MethodHandle bwdDataWorkspace;
        MethodHandle backwardData;
        MethodHandle bwdFilterMaxCount;
        MethodHandle bwdFilterAlgos;
        MethodHandle bwdFilterWorkspace;
        MethodHandle backwardFilter;

        void find(NativeFunctions f) {
            getVersion = f.function(FunctionDescriptor.of(JAVA_LONG), "cudnnGetVersion");
            getErrorString = f.function(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cudnnGetErrorString");
            create = f.function(STATUS_OF_PTR, "cudnnCreate");
            destroy = f.function(STATUS_OF_PTR, "cudnnDestroy");
            setStream = f.function(STATUS_OF_2PTR, "cudnnSetStream");
            createTensor = f.function(STATUS_OF_PTR, "cudnnCreateTensorDescriptor");
            // (desc, format, dataType, n, c, h, w)
            setTensor4d = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT), "cudnnSetTensor4dDescriptor");
            destroyTensor = f.function(STATUS_OF_PTR, "cudnnDestroyTensorDescriptor");
            createFilter = f.function(STATUS_OF_PTR, "cudnnCreateFilterDescriptor");
            // (desc, dataType, format, k, c, h, w)
            setFilter4d = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT), "cudnnSetFilter4dDescriptor");
            destroyFilter = f.function(STATUS_OF_PTR, "cudnnDestroyFilterDescriptor");
            createConv = f.function(STATUS_OF_PTR, "cudnnCreateConvolutionDescriptor");
            // (desc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType)
            setConv2d = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), "cudnnSetConvolution2dDescriptor");
            setGroupCount = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cudnnSetConvolutionGroupCount");
            setMathType = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cudnnSetConvolutionMathType");
            destroyConv = f.function(STATUS_OF_PTR, "cudnnDestroyConvolutionDescriptor");
            // (conv, xDesc, wDesc, int *n, int *c, int *h, int *w)
            outputDim = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS), "cudnnGetConvolution2dForwardOutputDim");
            // (handle, int *count)
            fwdMaxCount = f.function(STATUS_OF_2PTR, "cudnnGetConvolutionForwardAlgorithmMaxCount");
            bwdDataMaxCount = f.function(STATUS_OF_2PTR, "cudnnGetConvolutionBackwardDataAlgorithmMaxCount");
            bwdFilterMaxCount = f.function(STATUS_OF_2PTR, "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount");
            // (handle, d1, d2, conv, d3, int requested, int *returned, perf *results)
            FunctionDescriptor algos = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    JAVA_INT, ADDRESS, ADDRESS);
            fwdAlgos = f.function(algos, "cudnnGetConvolutionForwardAlgorithm_v7");
            bwdDataAlgos = f.function(algos, "cudnnGetConvolutionBackwardDataAlgorithm_v7");
            bwdFilterAlgos = f.function(algos, "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
            // (handle, d1, d2, conv, d3, int algo, size_t *bytes)
            FunctionDescriptor workspace = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    JAVA_INT, ADDRESS);
            fwdWorkspace = f.function(workspace, "cudnnGetConvolutionForwardWorkspaceSize");
            bwdDataWorkspace = f.function(workspace, "cudnnGetConvolutionBackwardDataWorkspaceSize");
            bwdFilterWorkspace = f.function(workspace, "cudnnGetConvolutionBackwardFilterWorkspaceSize");
            // (handle, alpha*, d1, p1, d2, p2, conv, int algo, workspace*, size_t bytes, beta*, d3, p3)
            FunctionDescriptor run = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
            forward = f.function(run, "cudnnConvolutionForward");
            backwardData = f.function(run, "cudnnConvolutionBackwardData");
            backwardFilter = f.function(run, "cudnnConvolutionBackwardFilter");
        }
    }

    FfmCudnn(String soname) {
        this.soname = soname;
    }

    private static long offset(String field) {
        return ALGO_PERF.byteOffset(PathElement.groupElement(field));
    }

    @Override
    public String label() {
        return "cuDNN " + major() + " via FFM";
    }

    private int major() {
        return Integer.parseInt(soname.substring(soname.lastIndexOf('.') + 1));
    }

    @Override
    public String soname() {
        return soname;
    }

    @Override
    public String probe(LibrarySearch search) {
        Path p = search.find(soname);
        if (p == null) {
            return search.notFound(soname);
        }
        CudnnLibraries.Loaded loaded = CudnnLibraries.load(p, major(), search);
        if (loaded.failure() != null) {
            return loaded.failure();
        }
        NativeFunctions f = new NativeFunctions(p);
        fn.find(f);
        if (f.missingReason() != null) {
            return f.missingReason();
        }
        long raw;
        try {
            raw = (long) fn.getVersion.invokeExact();
        } catch (Throwable t) {
            throw NativeFunctions.rethrow(t, "cudnnGetVersion");
        }
        LibraryVersion found = LibraryVersion.ofCudnn(raw);
        if (found.major() != major()) {
            return "cudnnGetVersion returned " + found + " (" + raw + ") for " + p + " but this binding needs "
                    + major() + ".x";
        }
        path = p;
        version = found;
        notes = loaded.notes();
        return null;
    }

    @Override
    public String describe() {
        return "cuDNN " + version + " via FFM (" + path + ")" + (notes.isEmpty() ? "" : "; " + notes);
    }

    @Override
    public CudnnSession open(NativeStream stream) {
        Session s = new Session(version);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            s.check((int) fn.create.invokeExact(slot), "cudnnCreate");
            s.handle = slot.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeFunctions.rethrow(t, "cudnnCreate");
        }
        try {
            s.check((int) fn.setStream.invokeExact(s.handle, MemorySegment.ofAddress(stream.address())), "cudnnSetStream");
        } catch (Throwable t) {
            try {
                s.close();
            } catch (RuntimeException suppressed) {
                t.addSuppressed(suppressed);
            }
            throw NativeFunctions.rethrow(t, "cudnnSetStream");
        }
        return s;
    }

    /** A descriptor and which destroy function it needs. */
    private record Descriptor(char kind, MemorySegment pointer) {
    }

    private final class Session implements CudnnSession {
        private MemorySegment handle;
        private final LibraryVersion version;

        Session(LibraryVersion version) {
            this.version = version;
        }

        void check(int status, String call) {
            if (status != 0) {
                String text;
                try {
                    MemorySegment s = (MemorySegment) fn.getErrorString.invokeExact(status);
                    text = s.equals(MemorySegment.NULL) ? "cudnnStatus " + status : s.reinterpret(1024).getString(0);
                } catch (Throwable t) {
                    text = "cudnnStatus " + status;
                }
                throw new VendorException(call + " failed with " + text + " (" + status + ")", status);
            }
        }

        @Override
        public LibraryVersion version() {
            return version;
        }

        private MemorySegment created(MethodHandle create, String call) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment slot = arena.allocate(ADDRESS);
                check((int) create.invokeExact(slot), call);
                return slot.get(ADDRESS, 0);
            }
        }

        @Override
        public Object tensor(int n, int c, int h, int w) {
            try {
                MemorySegment d = created(fn.createTensor, "cudnnCreateTensorDescriptor");
                Descriptor desc = new Descriptor('t', d);
                try {
                    check((int) fn.setTensor4d.invokeExact(d, NCHW, FLOAT, n, c, h, w),
                            "cudnnSetTensor4dDescriptor(" + n + ", " + c + ", " + h + ", " + w + ")");
                } catch (RuntimeException e) {
                    destroy(desc);
                    throw e;
                }
                return desc;
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cudnnSetTensor4dDescriptor");
            }
        }

        @Override
        public Object filter(int k, int c, int h, int w) {
            try {
                MemorySegment d = created(fn.createFilter, "cudnnCreateFilterDescriptor");
                Descriptor desc = new Descriptor('f', d);
                try {
                    check((int) fn.setFilter4d.invokeExact(d, FLOAT, NCHW, k, c, h, w),
                            "cudnnSetFilter4dDescriptor(" + k + ", " + c + ", " + h + ", " + w + ")");
                } catch (RuntimeException e) {
                    destroy(desc);
                    throw e;
                }
                return desc;
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cudnnSetFilter4dDescriptor");
            }
        }

        @Override
        public Object convolution(int padH, int padW, int strideH, int strideW, int dilH, int dilW, int groups,
                                  int mathType) {
            try {
                MemorySegment d = created(fn.createConv, "cudnnCreateConvolutionDescriptor");
                Descriptor desc = new Descriptor('c', d);
                try {
                    check((int) fn.setConv2d.invokeExact(d, padH, padW, strideH, strideW, dilH, dilW, CROSS_CORRELATION,
                            FLOAT), "cudnnSetConvolution2dDescriptor(pad " + padH + "x" + padW + ", stride " + strideH
                            + "x" + strideW + ", dilation " + dilH + "x" + dilW + ")");
                    check((int) fn.setGroupCount.invokeExact(d, groups), "cudnnSetConvolutionGroupCount(" + groups + ")");
                    check((int) fn.setMathType.invokeExact(d, mathType), "cudnnSetConvolutionMathType(" + mathType + ")");
                } catch (RuntimeException e) {
                    destroy(desc);
                    throw e;
                }
                return desc;
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cudnnSetConvolution2dDescriptor");
            }
        }

        private MemorySegment p(Object descriptor) {
            return ((Descriptor) descriptor).pointer();
        }

        @Override
        public int[] outputDim(Object conv, Object x, Object w) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment dims = arena.allocate(JAVA_INT, 4);
                check((int) fn.outputDim.invokeExact(p(conv), p(x), p(w), dims, dims.asSlice(4), dims.asSlice(8),
                        dims.asSlice(12)), "cudnnGetConvolution2dForwardOutputDim");
                return dims.toArray(JAVA_INT);
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cudnnGetConvolution2dForwardOutputDim");
            }
        }

        private List<AlgoPerf> algorithms(MethodHandle maxCount, MethodHandle get, String call, Object d1, Object d2,
                                          Object conv, Object d3) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(JAVA_INT);
                check((int) maxCount.invokeExact(handle, count), call + "MaxCount");
                int max = Math.max(1, count.get(JAVA_INT, 0));
                MemorySegment results = arena.allocate(ALGO_PERF, max);
                MemorySegment returned = arena.allocate(JAVA_INT);
                check((int) get.invokeExact(handle, p(d1), p(d2), p(conv), p(d3), max, returned, results), call + "_v7");
                List<AlgoPerf> out = new ArrayList<>();
                int n = Math.min(max, returned.get(JAVA_INT, 0));
                for (int i = 0; i < n; i++) {
                    long base = i * ALGO_PERF.byteSize();
                    out.add(new AlgoPerf(results.get(JAVA_INT, base + ALGO), results.get(JAVA_INT, base + STATUS),
                            results.get(JAVA_FLOAT, base + TIME), results.get(JAVA_LONG, base + MEMORY),
                            results.get(JAVA_INT, base + DETERMINISM), results.get(JAVA_INT, base + MATH_TYPE)));
                }
                return out;
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, call);
            }
        }

        @Override
        public List<AlgoPerf> forwardAlgorithms(Object x, Object w, Object conv, Object y) {
            return algorithms(fn.fwdMaxCount, fn.fwdAlgos, "cudnnGetConvolutionForwardAlgorithm", x, w, conv, y);
        }

        @Override
        public List<AlgoPerf> backwardDataAlgorithms(Object w, Object dy, Object conv, Object dx) {
            return algorithms(fn.bwdDataMaxCount, fn.bwdDataAlgos, "cudnnGetConvolutionBackwardDataAlgorithm", w, dy, conv,
                    dx);
        }

        @Override
        public List<AlgoPerf> backwardFilterAlgorithms(Object x, Object dy, Object conv, Object dw) {
            return algorithms(fn.bwdFilterMaxCount, fn.bwdFilterAlgos, "cudnnGetConvolutionBackwardFilterAlgorithm", x, dy,
                    conv, dw);
        }

        private long workspace(MethodHandle get, String call, Object d1, Object d2, Object conv, Object d3, int algo) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment bytes = arena.allocate(JAVA_LONG);
                check((int) get.invokeExact(handle, p(d1), p(d2), p(conv), p(d3), algo, bytes),
                        call + "(algo " + algo + ")");
                return bytes.get(JAVA_LONG, 0);
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, call);
            }
        }

        @Override
        public long forwardWorkspace(Object x, Object w, Object conv, Object y, int algo) {
            return workspace(fn.fwdWorkspace, "cudnnGetConvolutionForwardWorkspaceSize", x, w, conv, y, algo);
        }

        @Override
        public long backwardDataWorkspace(Object w, Object dy, Object conv, Object dx, int algo) {
            return workspace(fn.bwdDataWorkspace, "cudnnGetConvolutionBackwardDataWorkspaceSize", w, dy, conv, dx, algo);
        }

        @Override
        public long backwardFilterWorkspace(Object x, Object dy, Object conv, Object dw, int algo) {
            return workspace(fn.bwdFilterWorkspace, "cudnnGetConvolutionBackwardFilterWorkspaceSize", x, dy, conv, dw,
                    algo);
        }

        private void run(MethodHandle h, String call, float alpha, Object d1, long p1, Object d2, long p2, Object conv,
                         int algo, long workspace, long workspaceBytes, float beta, Object d3, long p3) {
            int status;
            try (Arena arena = Arena.ofConfined()) {
                status = (int) h.invokeExact(handle, arena.allocateFrom(JAVA_FLOAT, alpha), p(d1),
                        MemorySegment.ofAddress(p1), p(d2), MemorySegment.ofAddress(p2), p(conv), algo,
                        MemorySegment.ofAddress(workspace), workspaceBytes, arena.allocateFrom(JAVA_FLOAT, beta), p(d3),
                        MemorySegment.ofAddress(p3));
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, call);
            }
            check(status, call + "(algo " + algo + ", workspace " + workspaceBytes + " B)");
        }

        @Override
        public void forward(float alpha, Object xd, long x, Object wd, long w, Object conv, int algo, long workspace,
                            long workspaceBytes, float beta, Object yd, long y) {
            run(fn.forward, "cudnnConvolutionForward", alpha, xd, x, wd, w, conv, algo, workspace, workspaceBytes, beta,
                    yd, y);
        }

        @Override
        public void backwardData(float alpha, Object wd, long w, Object dyd, long dy, Object conv, int algo,
                                 long workspace, long workspaceBytes, float beta, Object dxd, long dx) {
            run(fn.backwardData, "cudnnConvolutionBackwardData", alpha, wd, w, dyd, dy, conv, algo, workspace,
                    workspaceBytes, beta, dxd, dx);
        }

        @Override
        public void backwardFilter(float alpha, Object xd, long x, Object dyd, long dy, Object conv, int algo,
                                   long workspace, long workspaceBytes, float beta, Object dwd, long dw) {
            run(fn.backwardFilter, "cudnnConvolutionBackwardFilter", alpha, xd, x, dyd, dy, conv, algo, workspace,
                    workspaceBytes, beta, dwd, dw);
        }

        @Override
        public void destroy(Object descriptor) {
            Descriptor d = (Descriptor) descriptor;
            MethodHandle h = switch (d.kind()) {
                case 't' -> fn.destroyTensor;
                case 'f' -> fn.destroyFilter;
                default -> fn.destroyConv;
            };
            try {
                int ignored = (int) h.invokeExact(d.pointer());
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cudnnDestroy*Descriptor");
            }
        }

        @Override
        public void close() {
            if (handle != null) {
                MemorySegment h = handle;
                handle = null;
                int status;
                try {
                    status = (int) fn.destroy.invokeExact(h);
                } catch (Throwable t) {
                    throw NativeFunctions.rethrow(t, "cudnnDestroy");
                }
                check(status, "cudnnDestroy");
            }
        }
    }
}
