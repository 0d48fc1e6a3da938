package org.lrml.backend.cuda.vendor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.util.Setting;

/**
 * The vendor-library providers of the CUDA backend: {@code cublas} for gemm and {@code cudnn} for conv, each served
 * by the first binding that works here, in this order:
 * <pre>
 *   cublas  cuBLAS 12 via JCublas2 (libcublas.so.12) -> cuBLAS 13 via FFM (libcublas.so.13) -> cuBLAS 12 via FFM
 *   cudnn   cuDNN 9 via FFM (libcudnn.so.9) -> cuDNN 8 via JCudnn 11.7.0 (libcudnn.so.8)
 * </pre>
 * A binding works when its library is found ({@link LibrarySearch}), loads, reports a version the binding speaks,
 * and creates its handle on the backend's stream. Each binding that does not work leaves its exact reason, and the
 * provider's reason is theirs together. {@code -Dlrml.cuda.provider.gemm=builtin} (conv likewise) leaves the
 * library untouched ("forced off"); {@code -Dlrml.cuda.binding=jcuda|ffm} restricts the bindings tried.
 */
public final class VendorProviders implements AutoCloseable {
    public static final String BINDING_PROPERTY = "lrml.cuda.binding";
    public static final String GEMM = "cublas";
    public static final String CONV = "cudnn";

    private final GemmProvider gemm;
    private final String gemmReason;
    private final ConvProvider conv;
    private final String convReason;

    private VendorProviders(GemmProvider gemm, String gemmReason, ConvProvider conv, String convReason) {
        this.gemm = gemm;
        this.gemmReason = gemmReason;
        this.conv = conv;
        this.convReason = convReason;
    }

    // ---------------------------------------------------------------- bindings, in order of preference

    static List<Binding<CublasSession>> cublasBindings() {
        List<Binding<CublasSession>> all = new ArrayList<>();
        all.add(new JCublasBinding());
        all.add(FfmAccess.cublas("libcublas.so.13"));
        all.add(FfmAccess.cublas("libcublas.so.12"));
        return all;
    }

    static List<Binding<CudnnSession>> cudnnBindings() {
        List<Binding<CudnnSession>> all = new ArrayList<>();
        all.add(FfmAccess.cudnn("libcudnn.so.9"));
        all.add(new JCudnnBinding());
        return all;
    }

    /** Why a binding is skipped by -Dlrml.cuda.binding, or null when it may be tried. */
    static String skipped(Binding<?> b) {
        String want = Setting.CUDA_BINDING.choice(null, "jcuda", "ffm");
        if (want == null) {
            return null;
        }
        boolean isFfm = b.label().endsWith("via FFM");
        return isFfm == want.equals("ffm") ? null : "skipped: -D" + BINDING_PROPERTY + "=" + want;
    }

    /** A probe that never throws: JCuda's classes may be missing, a library may be broken. */
    static String probe(Binding<?> b, LibrarySearch search) {
        try {
            String skip = skipped(b);
            return skip != null ? skip : b.probe(search);
        } catch (Throwable t) {
            return "probing failed: " + JniFailures.reason(t);
        }
    }

    // ---------------------------------------------------------------- without a device (lrml info)

    /**
     * One line per binding, whether or not a GPU is here: "gemm cublas, cuBLAS 13 via FFM: found cuBLAS 13.0.2 via
     * FFM (/path)" or the reason it cannot serve. Loads the libraries it finds (no GPU is needed for that).
     */
    public static List<String> inventory() {
        LibrarySearch search = LibrarySearch.fromEnvironment();
        List<String> out = new ArrayList<>();
        out.add("searched " + search.folders().size() + " folders: " + search.folders());
        for (Binding<CublasSession> b : cublasBindings()) {
            out.add(line("gemm", GEMM, b, search));
        }
        for (Binding<CudnnSession> b : cudnnBindings()) {
            out.add(line("conv", CONV, b, search));
        }
        return out;
    }

    private static String line(String family, String provider, Binding<?> b, LibrarySearch search) {
        String reason = probe(b, search);
        return family + " " + provider + ", " + b.label() + ": " + (reason == null ? "found " + b.describe() : reason);
    }

    // ---------------------------------------------------------------- with the backend's device

    /**
     * Opens the vendor providers the settings allow: null context (the kernel emulator) opens none.
     *
     * @param forcedGemm the value of -Dlrml.cuda.provider.gemm, or null
     * @param forcedConv the value of -Dlrml.cuda.provider.conv, or null
     */
    public static VendorProviders open(VendorContext ctx, GemmProvider builtinGemm, ConvProvider builtinConv,
                                       String forcedGemm, String forcedConv) {
        if (ctx == null) {
            String why = "the kernel emulator runs only the built-in kernels (vendor libraries need a GPU)";
            return new VendorProviders(null, why, null, why);
        }
        LibrarySearch search = LibrarySearch.fromEnvironment();
        String gemmOff = forcedOff("gemm", GEMM, forcedGemm);
        String convOff = forcedOff("conv", CONV, forcedConv);
        Opened<CublasSession> blas = gemmOff != null ? new Opened<>(null, null, gemmOff)
                : openFirst(cublasBindings(), search, ctx, CublasSession.class);
        GemmProvider gemm = blas.session == null ? null : new CublasGemm(blas.session, builtinGemm,
                blas.binding.describe() + ", " + CublasMath.describe());
        Opened<CudnnSession> dnn;
        try {
            dnn = convOff != null ? new Opened<>(null, null, convOff)
                    : openFirst(cudnnBindings(), search, ctx, CudnnSession.class);
        } catch (RuntimeException e) {
            if (gemm != null) {
                gemm.close();
            }
            throw e;
        }
        boolean strict = forcedConv != null && forcedConv.trim().equalsIgnoreCase(CONV);
        ConvProvider conv = dnn.session == null ? null : new CudnnConvolution(dnn.session, ctx.scratch(), builtinConv,
                strict, dnn.binding.describe() + ", deterministic algorithms, FMA math (no TF32), workspace up to "
                + CudnnConvolution.workspaceMiB() + " MiB from the caching allocator");
        return new VendorProviders(gemm, blas.reason, conv, dnn.reason);
    }

    private static String forcedOff(String family, String provider, String forced) {
        if (forced == null || forced.isBlank() || forced.trim().equalsIgnoreCase(provider)) {
            return null;
        }
        return "forced off by -Dlrml.cuda.provider." + family + "=" + forced.trim();
    }

    private record Opened<S extends AutoCloseable>(Binding<S> binding, S session, String reason) {
    }

    /** The first binding that probes and opens; else every binding's reason, in order. */
    private static <S extends AutoCloseable> Opened<S> openFirst(List<Binding<S>> bindings, LibrarySearch search,
                                                                   VendorContext ctx, Class<S> type) {
        List<String> reasons = new ArrayList<>();
        for (Binding<S> b : bindings) {
            String reason = probe(b, search);
            if (reason == null) {
                try {
                    ctx.makeCurrent().run();
                    S session = b.open(ctx.stream());
                    return new Opened<>(b, onContext(type, session, ctx), null);
                } catch (RuntimeException | LinkageError e) {
                    reason = "found " + b.describe() + " but " + e.getMessage() + " (the driver supports CUDA "
                            + ctx.driverCuda() + ")";
                }
            }
            reasons.add(b.label() + ": " + reason);
        }
        return new Opened<>(null, null, String.join("; ", reasons));
    }

    /**
     * The session with the backend's context made current before each call (the backend may be used from any
     * thread) and its after-call check run after it.
     */
    @SuppressWarnings("unchecked")
    static <S> S onContext(Class<S> type, S session, VendorContext ctx) {
        return (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(session, args);
            }
            ctx.makeCurrent().run();
            Object r;
            try {
                r = method.invoke(session, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (!method.getName().equals("close")) {
                ctx.afterCall().accept(type.getSimpleName() + "." + method.getName());
            }
            return r;
        });
    }

    /** cuBLAS, or null when unavailable ({@link #gemmReason()} says why). */
    public GemmProvider gemm() {
        return gemm;
    }

    public String gemmReason() {
        return gemmReason;
    }

    /** cuDNN, or null when unavailable ({@link #convReason()} says why). */
    public ConvProvider conv() {
        return conv;
    }

    public String convReason() {
        return convReason;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : new AutoCloseable[]{gemm, conv}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                first = first != null ? first : e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
