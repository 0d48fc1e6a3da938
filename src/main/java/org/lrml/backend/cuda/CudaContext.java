package org.lrml.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.backend.BackendUnavailableException;
import org.lrml.backend.cuda.vendor.NativeStream;
import org.lrml.backend.cuda.vendor.VendorContext;
import org.lrml.util.Setting;

/**
 * The runtime under the CUDA backend: one device with its stream, the caching allocator, the loaded kernel
 * modules and the launch helper every launcher uses. Closing it unloads the modules, frees all device memory
 * and releases the device.
 *
 * <p>Debug switch: {@code -Dlrml.cuda.syncEachLaunch=true} waits for every kernel and checks it, so an error a
 * kernel raises is reported at its own launch (kernel, grid, block, sizes) instead of at some later call.
 */
public final class CudaContext implements AutoCloseable, ScratchSource {
    static final String SYNC_PROPERTY = "lrml.cuda.syncEachLaunch";
    /** Grid-stride kernels never need more blocks than this per SM to saturate it. */
    private static final int BLOCKS_PER_SM = 32;

    final DeviceApi device;
    final CudaAllocator allocator;
    final PtxBundle ptx;
    final boolean syncEachLaunch;
    private final Map<String, KernelModule> modules = new LinkedHashMap<>();
    private final KernelVersions versions = KernelVersions.fromSettings();
    private final int maxBlocks1d;
    private volatile boolean capturing;
    private volatile String lastLaunch = "none";
    private boolean closed;

    private CudaContext(DeviceApi device, PtxBundle ptx) {
        this.device = device;
        this.ptx = ptx;
        this.allocator = new CudaAllocator(device);
        this.syncEachLaunch = Setting.CUDA_SYNC_EACH_LAUNCH.booleanValue(false);
        this.maxBlocks1d = Math.max(1, device.info().multiprocessors()) * BLOCKS_PER_SM;
    }

    /**
     * Checks that the PTX can run on this device and driver and loads every kernel file; the failures a user can
     * fix become BackendUnavailableExceptions that say how.
     */
    static CudaContext open(DeviceApi device) {
        PtxBundle ptx = PtxBundle.load();
        DeviceInfo info = device.info();
        String rebuild = "rebuild the PTX for this machine with your own nvcc: kernels/build.sh --arch compute_"
                + info.ccMajor() + info.ccMinor() + " --out DIR, then run with -D" + PtxBundle.DIR_PROPERTY + "=DIR";
        if (!PtxIsa.driverSupports(info.driverVersion(), ptx.isa())) {
            throw new BackendUnavailableException("the driver is too old for the PTX kernels: they are PTX ISA " + ptx.isa()
                    + " (built by nvcc " + ptx.nvcc() + ") and need " + PtxIsa.describeRequirement(ptx.isa())
                    + ", but this driver supports CUDA " + info.driverCuda() + " (cuDriverGetVersion " + info.driverVersion()
                    + "). Update the NVIDIA driver, or " + rebuild);
        }
        int archNum = archNumber(ptx.arch());
        if (archNum > 0 && info.ccMajor() * 10 + info.ccMinor() < archNum) {
            throw new BackendUnavailableException(info.name() + " has compute capability " + info.computeCapability()
                    + " but the PTX targets " + ptx.arch() + "; " + rebuild);
        }
        CudaContext ctx = new CudaContext(device, ptx);
        try {
            for (String stem : ptx.stems()) {
                try {
                    ctx.modules.put(stem, KernelModule.load(device, stem, ptx.text(stem)));
                } catch (CudaException e) {
                    if (e.code() == 222 || e.code() == 218 || e.code() == 209 || e.code() == 221) {
                        // UNSUPPORTED_PTX_VERSION, INVALID_PTX, NO_BINARY_FOR_GPU, JIT_COMPILER_NOT_FOUND
                        throw new BackendUnavailableException("the driver cannot load the PTX kernels (" + e.getMessage()
                                + "): they are PTX ISA " + ptx.isa() + " for " + ptx.arch() + " and need "
                                + PtxIsa.describeRequirement(ptx.isa()) + "; this driver supports CUDA " + info.driverCuda()
                                + ". Update the driver, or " + rebuild);
                    }
                    throw e;
                }
            }
            return ctx;
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    private static int archNumber(String arch) {
        try {
            return Integer.parseInt(arch.replaceFirst("^compute_", "").replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public DeviceInfo info() {
        return device.info();
    }

    public KernelFunction function(KernelRef ref) {
        KernelModule m = modules.get(ref.stem());
        if (m == null) {
            throw new IllegalStateException("kernels/" + ref.stem() + ".ptx is not loaded (the PTX bundle from " + ptx.source()
                    + " lists " + modules.keySet() + "); rebuild the PTX");
        }
        return m.function(ref.entry(version(ref)));
    }

    /** The version of ref this context launches: the default or the one -Dlrml.cuda.kernel.NAME forced at open. */
    public int version(KernelRef ref) {
        return versions.version(ref);
    }

    /**
     * Launch another version of ref on this context from now on (null: the default again). A hook for tests and
     * benchmarks that compare versions on one open backend; everything else sets -Dlrml.cuda.kernel.NAME.
     */
    public void useVersion(KernelRef ref, Integer version) {
        versions.force(ref, version);
    }

    // ---------------------------------------------------------------- launches

    /**
     * Launches a 1-D grid-stride kernel over {@code work} items: as many blocks as cover the work, at most enough
     * to fill the GPU (the kernel's loop takes the rest). No launch when there is no work.
     */
    public void launch1d(KernelFunction f, long work, int block, KernelArgs args) {
        if (work <= 0) {
            return;
        }
        long blocks = Math.min((work + block - 1) / block, maxBlocks1d);
        launch(f, (int) blocks, 1, 1, block, 1, 1, 0, args);
    }

    /** Launches one kernel; every failure names the kernel, its grid, block, shared memory and arguments. */
    public void launch(KernelFunction f, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, KernelArgs args) {
        String mismatch = f.signature().mismatch(args);
        if (mismatch != null) {
            throw new IllegalStateException("launcher and kernel disagree: " + mismatch);
        }
        DeviceInfo info = device.info();
        if (gx < 1 || gy < 1 || gz < 1 || bx < 1 || by < 1 || bz < 1 || gx > info.maxGridX() || gy > info.maxGridY()
                || gz > info.maxGridZ() || (long) bx * by * bz > info.maxThreadsPerBlock()) {
            throw new IllegalArgumentException(describe(f, gx, gy, gz, bx, by, bz, sharedBytes, args)
                    + ": grid or block outside the device's limits (grid " + info.maxGridX() + " x " + info.maxGridY()
                    + " x " + info.maxGridZ() + ", " + info.maxThreadsPerBlock() + " threads per block)");
        }
        lastLaunch = f.name();
        try {
            device.launch(f.handle(), gx, gy, gz, bx, by, bz, sharedBytes, args);
        } catch (CudaException e) {
            throw new CudaException(describe(f, gx, gy, gz, bx, by, bz, sharedBytes, args) + ": " + e.getMessage(),
                    e.code());
        }
        if (syncEachLaunch && !capturing) {
            try {
                device.synchronize();
            } catch (CudaException e) {
                throw new CudaException(describe(f, gx, gy, gz, bx, by, bz, sharedBytes, args) + " failed while running: "
                        + e.getMessage(), e.code());
            }
        }
    }

    static String describe(KernelFunction f, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                           KernelArgs args) {
        return "kernel " + f + " grid (" + gx + ", " + gy + ", " + gz + ") block (" + bx + ", " + by + ", " + bz
                + ") shared " + sharedBytes + " B [" + args.describe() + "]";
    }

    /** The last kernel launched, for errors that surface later. */
    String lastLaunch() {
        return lastLaunch;
    }

    // ---------------------------------------------------------------- scratch memory and host transfers

    /** Scratch device memory for one primitive, returned to the cache when closed. */
    public final class Scratch implements ScratchSource.Lease {
        private final CudaAllocator.Block block;

        private Scratch(CudaAllocator.Block block) {
            this.block = block;
        }

        @Override
        public long address() {
            return block.memory.address;
        }

        /** The scratch memory as a float buffer of the given length (which must fit). */
        public Buf floats(long length) {
            if (4 * length > block.memory.bytes) {
                throw new IllegalArgumentException("scratch of " + block.memory.bytes + " bytes cannot hold " + length
                        + " floats");
            }
            return new Buf(block.memory.address, length);
        }

        /** Address of the int at index i (for tables packed into one upload). */
        public long intAddress(long i) {
            return block.memory.address + 4 * i;
        }

        DeviceMemory memory() {
            return block.memory;
        }

        @Override
        public void close() {
            // Safe at once: the next user of this block is queued on the same stream after the kernels using it.
            allocator.release(block);
        }
    }

    @Override
    public Scratch scratch(long bytes, String what) {
        return new Scratch(allocator.acquire(bytes, what));
    }

    /** Scratch holding the given ints (index lists, CSR tables). */
    public Scratch upload(int[] values, String what) {
        requireNotCapturing("uploading " + what);
        Scratch s = scratch(4L * values.length, what);
        if (values.length > 0) {
            device.upload(s.address(), values);
        }
        return s;
    }

    /** Scratch holding the given bytes (parameter tables). */
    public Scratch upload(byte[] values, String what) {
        requireNotCapturing("uploading " + what);
        Scratch s = scratch(values.length, what);
        if (values.length > 0) {
            device.upload(s.address(), values);
        }
        return s;
    }

    /** Waits for the queued work, then n floats from the device address (kernel results). */
    public float[] downloadFloats(long address, int n, String what) {
        requireNotCapturing("downloading " + what);
        float[] out = new float[n];
        if (n > 0) {
            device.download(address, out);
        }
        return out;
    }

    /** Waits for the queued work, then n ints from the device address. */
    public int[] downloadInts(long address, int n, String what) {
        ByteBuffer b = downloadBytes(address, 4L * n, what);
        int[] out = new int[n];
        b.asIntBuffer().get(out);
        return out;
    }

    /** Waits for the queued work, then n doubles from the device address. */
    public double[] downloadDoubles(long address, int n, String what) {
        ByteBuffer b = downloadBytes(address, 8L * n, what);
        double[] out = new double[n];
        b.asDoubleBuffer().get(out);
        return out;
    }

    private ByteBuffer downloadBytes(long address, long bytes, String what) {
        requireNotCapturing("downloading " + what);
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("downloading " + what + ": " + bytes + " bytes do not fit one array");
        }
        byte[] raw = new byte[(int) bytes];
        if (bytes > 0) {
            device.download(address, raw);
        }
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Device-to-device copy of floats, queued on the stream. */
    public void copy(Buf src, long srcIndex, Buf dst, long dstIndex, long count) {
        if (count <= 0) {
            return;
        }
        if (srcIndex < 0 || dstIndex < 0 || srcIndex + count > src.length() || dstIndex + count > dst.length()) {
            throw new IndexOutOfBoundsException("copy of " + count + " floats from " + src + " @" + srcIndex + " to " + dst
                    + " @" + dstIndex);
        }
        device.copy(src.address() + 4 * srcIndex, dst.address() + 4 * dstIndex, 4 * count);
    }

    // ---------------------------------------------------------------- vendor libraries

    /**
     * What cuBLAS and cuDNN need from this context: the stream, the context made current per call, a check after
     * each call when -Dlrml.cuda.syncEachLaunch is on, the allocator for workspace. Null on a device that cannot
     * run them (the emulator).
     */
    public VendorContext vendorContext() {
        NativeStream stream = device.nativeStream();
        if (stream == null) {
            return null;
        }
        return new VendorContext(stream, device::makeCurrent, call -> {
            if (syncEachLaunch && !capturing) {
                try {
                    device.synchronize();
                } catch (CudaException e) {
                    throw new CudaException(call + " failed while running: " + e.getMessage(), e.code());
                }
            }
        }, this, device.info().driverVersion());
    }

    // ---------------------------------------------------------------- capture state

    void setCapturing(boolean on) {
        capturing = on;
    }

    boolean capturing() {
        return capturing;
    }

    void requireNotCapturing(String what) {
        if (capturing) {
            throw new IllegalStateException("CUDA graph capture: " + what + " moves data between host and device, which"
                    + " a captured step cannot do; do it before capturing (copy new inputs into the step's input"
                    + " tensors before each replay) or after replay");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        try {
            device.synchronize();
        } catch (RuntimeException e) {
            first = e;
        }
        for (KernelModule m : modules.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        modules.clear();
        try {
            allocator.close();
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        try {
            device.close();
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
