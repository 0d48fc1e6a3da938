package org.lrml.backend.cuda;

import org.lrml.backend.cuda.vendor.NativeStream;

/**
 * What the CUDA backend needs from a device, in the backend's own terms: memory, copies, modules and launches
 * on one in-order stream, events and graph capture. {@link JCudaDevice} is the real one (JCuda's driver API);
 * the native tests also plug in an emulator that runs the same kernel sources on the CPU, so the whole backend
 * (launchers, allocator, argument packing) is exercised on machines without a GPU.
 *
 * <p>Ordering: everything is issued to one stream in call order. Uploads are queued on the stream (after the work
 * issued before them) and the host array may be reused as soon as the call returns; a download first waits
 * for all queued work.
 * Errors are {@link CudaException}s naming the failed call; the launcher adds the kernel's context.
 */
interface DeviceApi extends AutoCloseable {

    /** "JCuda driver API" or the emulator's name, for {@code lrml info}. */
    String kind();

    DeviceInfo info();

    /** {free, total} bytes on the device now. */
    long[] memInfo();

    /** A new allocation, or null when the device is out of memory (other failures throw). */
    DeviceMemory malloc(long bytes);

    void free(DeviceMemory m);

    // Copies address device memory directly (any address inside an allocation), so launchers can move parts of
    // storages and scratch buffers alike.

    void upload(long dstAddress, float[] src);

    void upload(long dstAddress, int[] src);

    void upload(long dstAddress, byte[] src);

    /** Waits for queued work, then copies dst.length floats from the device. */
    void download(long srcAddress, float[] dst);

    /** Waits for queued work, then copies dst.length bytes from the device (int, long and double results). */
    void download(long srcAddress, byte[] dst);

    /** Device-to-device copy, queued on the stream. */
    void copy(long srcAddress, long dstAddress, long bytes);

    /** Loads one PTX module (the text as built); returns the device's handle. */
    Object loadModule(String stem, String ptx);

    /** The handle of one kernel of a loaded module. */
    Object function(Object module, String stem, String kernel);

    void unloadModule(Object module);

    /** Queues one launch; throws CudaException with the driver's error (the caller adds the launch context). */
    void launch(Object function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, KernelArgs args);

    /** Waits for everything queued; throws CudaException for an error a kernel raised. */
    void synchronize();

    Object eventCreate();

    void eventRecord(Object event);

    /** Milliseconds between two recorded events (waits for the second). */
    float eventElapsedMillis(Object start, Object end);

    void eventDestroy(Object event);

    /** Starts recording the stream's work into a graph instead of running it. */
    void beginCapture();

    /** Ends the capture and returns an executable graph. */
    Object endCapture();

    /** Aborts a capture after a failure (ignores errors, leaves the stream usable). */
    void abortCapture();

    void graphLaunch(Object graphExec);

    void graphDestroy(Object graphExec);

    /**
     * The stream as vendor libraries take it (cuBLAS, cuDNN: its address is a cudaStream_t), or null where they
     * cannot run (the emulator has no CUDA stream).
     */
    default NativeStream nativeStream() {
        return null;
    }

    /** Makes this device's context current on the calling thread, for vendor library calls. */
    default void makeCurrent() {
    }

    @Override
    void close();
}
