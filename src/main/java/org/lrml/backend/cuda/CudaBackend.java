package org.lrml.backend.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Allocations;
import org.lrml.backend.Backend;
import org.lrml.backend.BackendUnavailableException;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Batchnorm;
import org.lrml.backend.family.Conv;
import org.lrml.backend.family.Dropout;
import org.lrml.backend.family.Elementwise;
import org.lrml.backend.family.Gemm;
import org.lrml.backend.family.Layout;
import org.lrml.backend.family.Optim;
import org.lrml.backend.family.Pool;
import org.lrml.backend.family.Ranking;
import org.lrml.backend.family.Reduce;
import org.lrml.backend.family.Similarity;
import org.lrml.backend.family.Softmax;
import org.lrml.backend.family.TupleLoss;
import org.lrml.backend.cuda.Providers.Family;
import org.lrml.backend.cuda.Providers.Option;
import org.lrml.backend.cuda.kernels.BatchnormKernels;
import org.lrml.backend.cuda.kernels.ConvKernels;
import org.lrml.backend.cuda.kernels.DropoutKernels;
import org.lrml.backend.cuda.kernels.ElementwiseKernels;
import org.lrml.backend.cuda.kernels.GemmKernels;
import org.lrml.backend.cuda.kernels.LayoutKernels;
import org.lrml.backend.cuda.kernels.OptimKernels;
import org.lrml.backend.cuda.kernels.PoolKernels;
import org.lrml.backend.cuda.kernels.ReduceKernels;
import org.lrml.backend.cuda.kernels.SimilarityKernels;
import org.lrml.backend.cuda.kernels.SoftmaxKernels;
import org.lrml.backend.cuda.kernels.TopKKernels;
import org.lrml.backend.cuda.kernels.TupleLossKernels;
import org.lrml.backend.cuda.vendor.CudnnConvolution;
import org.lrml.backend.cuda.vendor.VendorProviders;
import org.lrml.backend.DType;
import org.lrml.backend.DeviceClock;
import org.lrml.backend.FamilyCalls;
import org.lrml.util.Setting;

/**
 * The CUDA backend: float32 tensors in device memory, every primitive a launch of the project's own PTX kernels
 * (kernels/*.cu) through one launcher class per kernel file. Created by Backends.cuda() through
 * {@link #open()}, which says exactly why when it cannot start. {@link #close()} releases the device memory,
 * the modules and the device.
 *
 * <p>gemm and conv go to cuBLAS and cuDNN where those libraries are found ({@link VendorProviders}); the providers
 * table says which serves each family and why.
 *
 * <p>System properties: {@code lrml.cuda.device} (index, default 0), {@code lrml.cuda.ptxDir} (PTX built with
 * kernels/build.sh for another driver), {@code lrml.cuda.syncEachLaunch} (check every kernel at its launch),
 * {@code lrml.cuda.provider.<family>} (force a provider), {@code lrml.cuda.kernel.<kernel>} (force a version),
 * {@code lrml.cuda.libs} (folders holding cuBLAS / cuDNN), {@code lrml.cuda.binding} (jcuda or ffm only),
 * {@code lrml.cuda.similarityRank} (auto, fused or blocked: the similarityRank path).
 *
 * @see org.lrml.backend.Backends#cuda()
 */
public final class CudaBackend implements Backend {
    private final CudaContext ctx;
    private final Providers providers;
    private final ElementwiseKernels elementwise;
    private final ReduceKernels reduce;
    private final LayoutKernels layout;
    private final GemmKernels gemm;
    private final ConvKernels conv;
    private final PoolKernels pool;
    private final BatchnormKernels batchnorm;
    private final SoftmaxKernels softmax;
    private final DropoutKernels dropout;
    private final OptimKernels optim;
    private final TopKKernels topk;
    private final SimilarityKernels similarity;
    private final TupleLossKernels tupleLoss;
    private final VendorProviders vendors;
    /** What serves gemm and conv: the built-in kernels or the vendor library, as the providers table chose. */
    private final GemmProvider gemmActive;
    private final ConvProvider convActive;
    private boolean closed;

    private CudaBackend(CudaContext ctx) {
        this.ctx = ctx;
        this.elementwise = new ElementwiseKernels(ctx);
        this.reduce = new ReduceKernels(ctx, elementwise);
        this.layout = new LayoutKernels(ctx);
        this.gemm = new GemmKernels(ctx);
        this.conv = new ConvKernels(ctx, gemm, layout);
        this.pool = new PoolKernels(ctx);
        this.batchnorm = new BatchnormKernels(ctx);
        this.softmax = new SoftmaxKernels(ctx);
        this.dropout = new DropoutKernels(ctx);
        this.optim = new OptimKernels(ctx);
        this.topk = new TopKKernels(ctx);
        this.similarity = new SimilarityKernels(ctx, topk);
        this.tupleLoss = new TupleLossKernels(ctx);
        this.vendors = VendorProviders.open(ctx.vendorContext(), gemm, conv, forced(Family.GEMM), forced(Family.CONV));
        try {
            this.providers = Providers.resolve(providerOptions(vendors));
        } catch (RuntimeException e) {
            vendors.close();
            throw e;
        }
        this.gemmActive = VendorProviders.GEMM.equals(providers.active(Family.GEMM)) ? vendors.gemm() : gemm;
        this.convActive = VendorProviders.CONV.equals(providers.active(Family.CONV)) ? vendors.conv() : conv;
    }

    private static String forced(Family f) {
        return Setting.CUDA_PROVIDER.value(f.key());
    }

    /**
     * Opens the CUDA backend on device {@code -Dlrml.cuda.device} (default 0). Throws BackendUnavailableException
     * with the exact reason: JCuda natives missing, no driver (libcuda.so.1), cuInit failure, no device, PTX
     * missing from the jar, or a driver too old for the PTX (with the command that rebuilds it).
     */
    public static Backend open() {
        int index = Setting.CUDA_DEVICE.intValue(0, 0);
        JCudaDevice device;
        try {
            device = JCudaDevice.open(index);
        } catch (BackendUnavailableException e) {
            String ptx = PtxBundle.missingOrNull();
            throw new BackendUnavailableException(ptx == null ? e.getMessage() : e.getMessage() + "; besides, " + ptx);
        }
        return openWith(device);
    }

    /**
     * What PTX this build carries and what driver it needs, whether or not a GPU is present (for lrml info):
     * e.g. "10 kernel files, PTX ISA 9.0 for compute_80 (nvcc ...), from the jar; needs a driver for CUDA 13.0 or
     * newer (R580+)", or why there is none.
     */
    public static String kernelInventory() {
        try {
            PtxBundle b = PtxBundle.load();
            return b.stems().size() + " kernel files, " + b.describe() + "; needs " + PtxIsa.describeRequirement(b.isa());
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }

    /** The backend over any device implementation (the real one, or the tests' emulator). */
    static CudaBackend openWith(DeviceApi device) {
        CudaContext ctx;
        try {
            ctx = CudaContext.open(device);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        try {
            return new CudaBackend(ctx);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /** Every family's options in order of preference: a vendor library first where there is one. */
    private static Map<Family, List<Option>> providerOptions(VendorProviders vendors) {
        Map<Family, List<Option>> m = new EnumMap<>(Family.class);
        m.put(Family.ELEMENTWISE, List.of(builtin(ElementwiseKernels.STEM)));
        m.put(Family.REDUCE, List.of(builtin(ReduceKernels.STEM)));
        m.put(Family.LAYOUT, List.of(builtin(LayoutKernels.STEM)));
        m.put(Family.GEMM, List.of(vendor(VendorProviders.GEMM, vendors.gemm(), vendors.gemmReason()),
                Option.available("builtin", GemmKernels.describe())));
        m.put(Family.CONV, List.of(vendor(VendorProviders.CONV, vendors.conv(), vendors.convReason()),
                Option.available("builtin", "kernels/conv.cu im2col/col2im + " + GemmKernels.describe())));
        m.put(Family.POOL, List.of(builtin(PoolKernels.STEM)));
        m.put(Family.BATCHNORM, List.of(builtin(BatchnormKernels.STEM)));
        m.put(Family.SOFTMAX, List.of(builtin(SoftmaxKernels.STEM)));
        m.put(Family.DROPOUT, List.of(builtin(DropoutKernels.STEM)));
        m.put(Family.SIMILARITY, List.of(Option.available("builtin", SimilarityKernels.describe())));
        m.put(Family.RANKING, List.of(Option.available("builtin", "kernels/topk.cu " + TopKKernels.SELECT.entry() + ", "
                + TopKKernels.MERGE.entry())));
        m.put(Family.TUPLELOSS, List.of(Option.available("builtin", "kernels/tupleloss.cu " + TupleLossKernels.DOTS.entry()
                + ", " + TupleLossKernels.COEF.entry() + ", " + TupleLossKernels.GRAD.entry())));
        m.put(Family.OPTIM, List.of(builtin(OptimKernels.STEM)));
        return m;
    }

    private static Option builtin(String stem) {
        return Option.available("builtin", "kernels/" + stem + ".cu");
    }

    private static Option vendor(String name, Object provider, String reason) {
        return provider != null ? Option.available(name, provider.toString()) : Option.unavailable(name, reason);
    }

    /**
     * Each vendor library binding this machine has, or the exact reason it has none, with the folders searched
     * (for lrml info; no GPU needed: the libraries are found, loaded and asked their version).
     */
    public static List<String> vendorInventory() {
        return VendorProviders.inventory();
    }

    /**
     * A gemm provider by name ("builtin", "cublas"), whichever is active, for comparisons (tests, benchmarks);
     * null when it is not available here ({@link #providers()} says why).
     */
    public GemmProvider gemmProvider(String name) {
        return switch (name) {
            case "builtin" -> gemm;
            case VendorProviders.GEMM -> vendors.gemm();
            default -> throw new IllegalArgumentException("no gemm provider '" + name + "' (builtin, cublas)");
        };
    }

    /** A conv provider by name ("builtin", "cudnn"); null when it is not available here. */
    public ConvProvider convProvider(String name) {
        return switch (name) {
            case "builtin" -> conv;
            case VendorProviders.CONV -> vendors.conv();
            default -> throw new IllegalArgumentException("no conv provider '" + name + "' (builtin, cudnn)");
        };
    }

    CudaContext context() {
        return ctx;
    }

    public Providers providers() {
        return providers;
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** Device, memory, driver, PTX, provider of each op family, allocator, debug switches; several lines. */
    @Override
    public String describe() {
        DeviceInfo info = ctx.info();
        long[] mem = ctx.device.memInfo();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("cuda: %s, compute capability %s, %d SMs, %s total (%s free), driver supports CUDA %s",
                info.name(), info.computeCapability(), info.multiprocessors(), CudaAllocator.bytes(mem[1]),
                CudaAllocator.bytes(mem[0]), info.driverCuda()));
        lines.add("kernels: " + ctx.ptx.describe() + "; launched through the " + ctx.device.kind());
        lines.add("providers:");
        for (String p : providers.describe()) {
            lines.add("  " + p);
        }
        if (vendors.conv() instanceof CudnnConvolution c) {
            for (String note : c.fallbacks()) {
                lines.add("  conv on the built-in kernels for " + note);
            }
        }
        lines.add("memory: caching allocator, " + ctx.allocator.stats());
        lines.add("debug: -D" + CudaContext.SYNC_PROPERTY + "=" + ctx.syncEachLaunch);
        return String.join("\n", lines);
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == DType.F32;
    }

    // ---------------------------------------------------------------- memory

    private static void requireF32(DType dtype, String what) {
        if (dtype != DType.F32) {
            throw new IllegalArgumentException(what + ": the CUDA backend holds float32 tensors only, not "
                    + dtype.numpyName() + "; convert first with tensor.to(DType.F32)");
        }
    }

    @Override
    public Storage allocate(DType dtype, long length) {
        requireF32(dtype, "allocate");
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        CudaAllocator.Block b = ctx.allocator.acquire(4 * length, "a float32 tensor of " + length + " elements");
        CudaStorage s = new CudaStorage(this, ctx.allocator, b, length);
        Allocations.created(s);
        return s;
    }

    @Override
    public Storage upload(float[] data) {
        ctx.requireNotCapturing("upload of " + data.length + " floats");
        CudaStorage s = (CudaStorage) allocate(DType.F32, data.length);
        if (data.length > 0) {
            ctx.device.upload(s.address(), data);
        }
        return s;
    }

    @Override
    public Storage upload(double[] data) {
        throw new IllegalArgumentException("upload of " + data.length + " doubles: the CUDA backend holds float32 tensors"
                + " only; convert first with tensor.to(DType.F32)");
    }

    @Override
    public void download(Storage src, float[] dst) {
        CudaStorage s = CudaStorage.of(src);
        if (s.length() != dst.length) {
            throw new IllegalArgumentException("download: " + s + " into an array of " + dst.length);
        }
        ctx.requireNotCapturing("download of " + s);
        if (dst.length > 0) {
            ctx.device.download(s.address(), dst);
        }
    }

    @Override
    public void download(Storage src, double[] dst) {
        float[] f = new float[dst.length];
        download(src, f);
        for (int i = 0; i < f.length; i++) {
            dst[i] = f[i];
        }
    }

    @Override
    public void fill(Storage dst, double value) {
        elementwise.fill(CudaStorage.buf(dst), (float) value);
        CudaStorage.keepReachable(dst);
    }

    @Override
    public void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long length) {
        ctx.copy(CudaStorage.of(src).buf(), srcOffset, CudaStorage.of(dst).buf(), dstOffset, length);
    }

    @Override
    public void convert(Storage src, Storage dst) {
        CudaStorage s = CudaStorage.of(src);
        CudaStorage d = CudaStorage.of(dst);
        if (s.length() != d.length()) {
            throw new IllegalArgumentException("convert: lengths differ " + s + " -> " + d);
        }
        // Both are float32 (the only dtype here): conversion is a copy.
        ctx.copy(s.buf(), 0, d.buf(), 0, s.length());
    }

    @Override
    public void synchronize() {
        ctx.requireNotCapturing("synchronize");
        ctx.device.synchronize();
    }

    /** CUDA events on this backend's stream, for the profiler's kernel times. */
    @Override
    public DeviceClock deviceClock() {
        return new CudaEventClock(ctx.device);
    }

    /** A timer on this backend's stream (CUDA events). */
    public CudaTimer timer() {
        return new CudaTimer(ctx.device);
    }

    /** Allocator counters: bytes in use and cached, device allocations, reuses. */
    public String memoryStats() {
        return ctx.allocator.stats().toString();
    }

    /** Returns cached device memory to the driver (other processes can then use it). */
    public void emptyCache() {
        ctx.allocator.releaseCache();
    }

    // ---------------------------------------------------------------- op families: the launchers, or the vendor
    // ---------------------------------------------------------------- provider the providers table chose

    @Override
    public Elementwise elementwise() {
        return FamilyCalls.observed(this, Elementwise.class, elementwise);
    }

    @Override
    public Reduce reduce() {
        return FamilyCalls.observed(this, Reduce.class, reduce);
    }

    @Override
    public Layout layout() {
        return FamilyCalls.observed(this, Layout.class, layout);
    }

    @Override
    public Gemm gemm() {
        return FamilyCalls.observed(this, Gemm.class, gemmActive);
    }

    @Override
    public Conv conv() {
        return FamilyCalls.observed(this, Conv.class, convActive);
    }

    @Override
    public Pool pool() {
        return FamilyCalls.observed(this, Pool.class, pool);
    }

    @Override
    public Batchnorm batchnorm() {
        return FamilyCalls.observed(this, Batchnorm.class, batchnorm);
    }

    @Override
    public Softmax softmax() {
        return FamilyCalls.observed(this, Softmax.class, softmax);
    }

    @Override
    public Dropout dropout() {
        return FamilyCalls.observed(this, Dropout.class, dropout);
    }

    @Override
    public Similarity similarity() {
        return FamilyCalls.observed(this, Similarity.class, similarity);
    }

    @Override
    public Ranking ranking() {
        return FamilyCalls.observed(this, Ranking.class, topk);
    }

    @Override
    public TupleLoss tupleLoss() {
        return FamilyCalls.observed(this, TupleLoss.class, tupleLoss);
    }

    @Override
    public Optim optim() {
        return FamilyCalls.observed(this, Optim.class, optim);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            // Library handles go first, while the context they were created on still exists.
            try {
                ctx.device.synchronize();
                vendors.close();
            } finally {
                ctx.close();
            }
        }
    }

    @Override
    public String toString() {
        return "cuda";
    }
}
