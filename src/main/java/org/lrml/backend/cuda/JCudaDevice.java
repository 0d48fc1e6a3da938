package org.lrml.backend.cuda;

import java.nio.charset.StandardCharsets;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import org.lrml.backend.BackendUnavailableException;
import org.lrml.backend.cuda.vendor.NativeStream;

/**
 * The real device: JCuda 12.6's binding of the CUDA driver API (needs only libcuda.so.1, the driver). One
 * primary context on one device, one blocking stream for all work. JCuda's own exceptions are switched off:
 * every call's result is checked here, so each error names the call and its sizes.
 */
final class JCudaDevice implements DeviceApi {
    /** Which context is current on each thread (the driver's current context is per thread). */
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();
    /**
     * Why JCuda's natives did not load, kept from the first attempt: later attempts only see "Could not
     * initialize class jcuda.driver.JCudaDriver", which names no cause.
     */
    private static volatile String loadFailure;

    private final CUdevice device;
    private final CUcontext context;
    private final Stream stream;
    private final DeviceInfo info;
    private boolean closed;

    /** cuMemAlloc writes the address into this object; the subclass can read it back. */
    static final class Ptr extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    /** cuStreamCreate writes the stream's handle into this object; vendor libraries need it as a number. */
    static final class Stream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    private JCudaDevice(CUdevice device, CUcontext context, Stream stream, DeviceInfo info) {
        this.device = device;
        this.context = context;
        this.stream = stream;
        this.info = info;
    }

    /**
     * Loads the natives, initialises the driver and opens device {@code index}; every way this can fail becomes
     * a BackendUnavailableException with the exact reason.
     */
    static JCudaDevice open(int index) {
        if (loadFailure != null) {
            throw new BackendUnavailableException(loadFailure);
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) {
            loadFailure = nativeLoadReason(t);
            throw new BackendUnavailableException(loadFailure);
        }
        int r = JCudaDriver.cuInit(0);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new BackendUnavailableException(initReason(r));
        }
        int[] count = new int[1];
        Cu.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) {
            throw new BackendUnavailableException("the NVIDIA driver is installed but sees no CUDA device (check"
                    + " CUDA_VISIBLE_DEVICES and nvidia-smi)");
        }
        if (index < 0 || index >= count[0]) {
            throw new BackendUnavailableException("-Dlrml.cuda.device=" + index + " but this machine has " + count[0]
                    + " CUDA device(s), numbered from 0");
        }
        CUdevice dev = new CUdevice();
        Cu.check(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        DeviceInfo info = query(dev);
        CUcontext ctx = new CUcontext();
        Cu.check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain(device " + index + ")");
        try {
            Cu.check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            CURRENT.set(ctx);
            Stream s = new Stream();
            Cu.check(JCudaDriver.cuStreamCreate(s, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
            return new JCudaDevice(dev, ctx, s, info);
        } catch (RuntimeException e) {
            JCudaDriver.cuDevicePrimaryCtxRelease(dev);
            throw e;
        }
    }

    /** JCuda's loader throws UnsatisfiedLinkError with a long multi-line message; find the cause that matters. */
    static String nativeLoadReason(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        if (t instanceof NoClassDefFoundError && msg.contains("jcuda")) {
            return "JCuda's classes are missing from the classpath (org.jcuda:jcuda:12.6.0): " + msg;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("libcuda.so")) {
                return "the NVIDIA driver library libcuda.so.1 was not found: this machine has no NVIDIA driver, or it"
                        + " is not on the loader path (install the driver; nvidia-smi should list the GPU)";
            }
        }
        if (msg.contains("cannot open shared object file")) {
            for (String line : msg.split("\n")) {
                if (line.contains("cannot open shared object file")) {
                    return "JCuda's native library could not be loaded: " + line.trim();
                }
            }
        }
        if (t instanceof UnsatisfiedLinkError) {
            return "JCuda's native library for " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + " is missing or does not load (org.jcuda:jcuda-natives:12.6.0 with the classifier of this"
                    + " platform must be on the classpath): " + msg.lines().findFirst().orElse(msg);
        }
        return "JCuda failed to load: " + t;
    }

    static String initReason(int r) {
        String name = Cu.name(r);
        if (r == CUresult.CUDA_ERROR_NO_DEVICE) {
            return "cuInit: no CUDA-capable device (" + name + "): the driver is installed but finds no GPU"
                    + " (check CUDA_VISIBLE_DEVICES and nvidia-smi)";
        }
        if (r == CUresult.CUDA_ERROR_STUB_LIBRARY) {
            return "cuInit failed with " + name + ": the libcuda.so.1 found is the toolkit's stub, not a driver; install"
                    + " the NVIDIA driver or remove the stubs folder from LD_LIBRARY_PATH";
        }
        return "cuInit failed with " + name + " (" + r + ")";
    }

    private static DeviceInfo query(CUdevice dev) {
        byte[] name = new byte[256];
        Cu.check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] total = new long[1];
        Cu.check(JCudaDriver.cuDeviceTotalMem(total, dev), "cuDeviceTotalMem");
        int[] driver = new int[1];
        Cu.check(JCudaDriver.cuDriverGetVersion(driver), "cuDriverGetVersion");
        return new DeviceInfo(new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                total[0], driver[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z));
    }

    private static int attribute(CUdevice dev, int attr) {
        int[] v = new int[1];
        Cu.check(JCudaDriver.cuDeviceGetAttribute(v, attr, dev), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** Makes this device's context current on the calling thread (the driver keeps one per thread). */
    private void current() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed");
        }
        if (CURRENT.get() != context) {
            Cu.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(context);
        }
    }

    /** A device pointer to any address (JCuda adds a pointer's byte offset to its base, here 0). */
    private static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    @Override
    public String kind() {
        return "JCuda driver API";
    }

    @Override
    public NativeStream nativeStream() {
        return new NativeStream(stream.address(), stream);
    }

    @Override
    public void makeCurrent() {
        current();
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public long[] memInfo() {
        current();
        long[] free = new long[1];
        long[] total = new long[1];
        Cu.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[]{free[0], total[0]};
    }

    @Override
    public DeviceMemory malloc(long bytes) {
        current();
        Ptr p = new Ptr();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return null;
        }
        Cu.check(r, "cuMemAlloc(" + bytes + " bytes)");
        return new DeviceMemory(p.address(), bytes, p);
    }

    @Override
    public void free(DeviceMemory m) {
        current();
        Cu.check(JCudaDriver.cuMemFree((CUdeviceptr) m.handle), "cuMemFree(" + m + ")");
    }

    // Uploads are queued on the stream, so they are ordered after the kernels that still read the (cached and
    // reused) destination block. From pageable memory the driver stages the source before returning, so the
    // Java array is free again when the call returns.
    @Override
    public void upload(long dst, float[] src) {
        current();
        Cu.check(JCudaDriver.cuMemcpyHtoDAsync(at(dst), Pointer.to(src), 4L * src.length, stream),
                String.format("cuMemcpyHtoDAsync(%d floats to 0x%x)", src.length, dst));
    }

    @Override
    public void upload(long dst, int[] src) {
        current();
        Cu.check(JCudaDriver.cuMemcpyHtoDAsync(at(dst), Pointer.to(src), 4L * src.length, stream),
                String.format("cuMemcpyHtoDAsync(%d ints to 0x%x)", src.length, dst));
    }

    @Override
    public void upload(long dst, byte[] src) {
        current();
        Cu.check(JCudaDriver.cuMemcpyHtoDAsync(at(dst), Pointer.to(src), src.length, stream),
                String.format("cuMemcpyHtoDAsync(%d bytes to 0x%x)", src.length, dst));
    }

    @Override
    public void download(long src, float[] dst) {
        current();
        // Explicit: the copy must see every queued kernel's writes.
        Cu.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize before a download");
        Cu.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), at(src), 4L * dst.length),
                String.format("cuMemcpyDtoH(%d floats from 0x%x)", dst.length, src));
    }

    @Override
    public void download(long src, byte[] dst) {
        current();
        Cu.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize before a download");
        Cu.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), at(src), dst.length),
                String.format("cuMemcpyDtoH(%d bytes from 0x%x)", dst.length, src));
    }

    @Override
    public void copy(long src, long dst, long bytes) {
        current();
        Cu.check(JCudaDriver.cuMemcpyDtoDAsync(at(dst), at(src), bytes, stream),
                String.format("cuMemcpyDtoDAsync(%d bytes from 0x%x to 0x%x)", bytes, src, dst));
    }

    @Override
    public Object loadModule(String stem, String ptx) {
        current();
        byte[] text = ptx.getBytes(StandardCharsets.UTF_8);
        // The driver reads the image as a C string: it must end with a NUL byte.
        byte[] image = new byte[text.length + 1];
        System.arraycopy(text, 0, image, 0, text.length);
        CUmodule module = new CUmodule();
        int r = JCudaDriver.cuModuleLoadData(module, image);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuModuleLoadData(kernels/" + stem + ".ptx) failed with " + Cu.name(r) + " (" + r + ")",
                    r);
        }
        return module;
    }

    @Override
    public Object function(Object module, String stem, String kernel) {
        current();
        CUfunction f = new CUfunction();
        Cu.check(JCudaDriver.cuModuleGetFunction(f, (CUmodule) module, kernel),
                "cuModuleGetFunction(" + kernel + " in kernels/" + stem + ".ptx)");
        return f;
    }

    @Override
    public void unloadModule(Object module) {
        current();
        Cu.check(JCudaDriver.cuModuleUnload((CUmodule) module), "cuModuleUnload");
    }

    @Override
    public void launch(Object function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, KernelArgs args) {
        current();
        NativePointerObject[] params = new NativePointerObject[args.size()];
        for (int i = 0; i < params.length; i++) {
            // Each parameter points at its value's little-endian bytes, exactly the width PTX declares.
            params[i] = Pointer.to(args.list().get(i).bytes());
        }
        int r = JCudaDriver.cuLaunchKernel((CUfunction) function, gx, gy, gz, bx, by, bz, sharedBytes, stream,
                Pointer.to(params), null);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuLaunchKernel failed with " + Cu.name(r) + " (" + r + ")", r);
        }
    }

    @Override
    public void synchronize() {
        current();
        Cu.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public Object eventCreate() {
        current();
        CUevent e = new CUevent();
        Cu.check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        return e;
    }

    @Override
    public void eventRecord(Object event) {
        current();
        Cu.check(JCudaDriver.cuEventRecord((CUevent) event, stream), "cuEventRecord");
    }

    @Override
    public float eventElapsedMillis(Object start, Object end) {
        current();
        Cu.check(JCudaDriver.cuEventSynchronize((CUevent) end), "cuEventSynchronize");
        float[] ms = new float[1];
        Cu.check(JCudaDriver.cuEventElapsedTime(ms, (CUevent) start, (CUevent) end), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public void eventDestroy(Object event) {
        current();
        Cu.check(JCudaDriver.cuEventDestroy((CUevent) event), "cuEventDestroy");
    }

    @Override
    public void beginCapture() {
        current();
        // Thread-local mode: only calls from this thread that would break the capture are refused.
        Cu.check(JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture");
    }

    @Override
    public Object endCapture() {
        current();
        CUgraph graph = new CUgraph();
        Cu.check(JCudaDriver.cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        try {
            CUgraphExec exec = new CUgraphExec();
            Cu.check(JCudaDriver.cuGraphInstantiate(exec, graph, 0L), "cuGraphInstantiate");
            return exec;
        } finally {
            // The executable graph keeps what it needs; the template can go.
            JCudaDriver.cuGraphDestroy(graph);
        }
    }

    @Override
    public void abortCapture() {
        current();
        CUgraph graph = new CUgraph();
        if (JCudaDriver.cuStreamEndCapture(stream, graph) == CUresult.CUDA_SUCCESS) {
            JCudaDriver.cuGraphDestroy(graph);
        }
    }

    @Override
    public void graphLaunch(Object graphExec) {
        current();
        Cu.check(JCudaDriver.cuGraphLaunch((CUgraphExec) graphExec, stream), "cuGraphLaunch");
    }

    @Override
    public void graphDestroy(Object graphExec) {
        current();
        Cu.check(JCudaDriver.cuGraphExecDestroy((CUgraphExec) graphExec), "cuGraphExecDestroy");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        current();
        closed = true;
        try {
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuStreamDestroy(stream);
        } finally {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
            CURRENT.remove();
        }
    }
}
