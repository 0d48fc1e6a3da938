package org.lrml.backend.cuda.vendor;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.backend.DType;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

import jcuda.driver.CUstream;

/**
 * Runs the vendor providers end to end against the stand-in libraries, in a JVM of its own (the test that starts
 * it picks Java 17 or 22+, the folders with -Dlrml.cuda.libs, the bindings with -Dlrml.cuda.binding): opens them
 * as the backend does, with host memory for device memory and a made-up stream, and compares every GEMM and
 * convolution case with the CPU backend. Prints what it opened and "OK ..." last; exits 1 on the first failure.
 */
public final class VendorFakeCheck {
    /** The stream handle the check passes; the stand-ins write what they receive to the trace. */
    static final long STREAM = 0x5eedL;

    private VendorFakeCheck() {
    }

    public static void main(String[] args) {
        try {
            run();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("FAILED: " + t);
            System.exit(1);
        }
    }

    private static void run() throws ReflectiveOperationException {
        List<String> calls = new ArrayList<>();
        int[] current = new int[1];
        try (HostMemory mem = new HostMemory()) {
            HostCpuProviders builtin = new HostCpuProviders(mem);
            VendorContext ctx = new VendorContext(new NativeStream(STREAM, jcudaStream(STREAM)), () -> current[0]++,
                    calls::add, mem, 13000);
            VendorProviders vendors = VendorProviders.open(ctx, builtin, builtin,
                    System.getProperty("lrml.cuda.provider.gemm"), System.getProperty("lrml.cuda.provider.conv"));
            System.out.println("gemm: " + (vendors.gemm() != null ? vendors.gemm() : "unavailable: " + vendors.gemmReason()));
            System.out.println("conv: " + (vendors.conv() != null ? vendors.conv() : "unavailable: " + vendors.convReason()));
            int gemms = 0;
            int convs = 0;
            if (vendors.gemm() != null) {
                int before = builtin.calls;
                for (VendorCases.GemmCase c : VendorCases.gemms()) {
                    gemm(mem, vendors.gemm(), c);
                    gemms++;
                }
                System.out.println("gemm handed to the built-in provider: " + (builtin.calls - before));
            }
            if (vendors.conv() != null) {
                int before = builtin.calls;
                List<ConvGeometry> all = new ArrayList<>(VendorCases.convs());
                all.add(VendorCases.fallbackGeometry());
                for (ConvGeometry g : all) {
                    conv(mem, vendors.conv(), g);
                    convs++;
                }
                System.out.println("conv handed to the built-in provider: " + (builtin.calls - before));
                for (String note : ((CudnnConvolution) vendors.conv()).fallbacks()) {
                    System.out.println("fallback: " + note);
                }
                System.out.println("workspace leases: " + mem.leases().size() + " of " + mem.leases().stream().distinct().toList()
                        + " bytes");
            }
            vendors.close();
            System.out.println("context made current " + current[0] + " times; after-call checks " + calls.size());
            System.out.println("OK gemm cases " + gemms + ", conv cases " + convs);
        }
    }

    /** JCuda's stream object holding the given handle (its constructor from a handle is package-private). */
    private static Object jcudaStream(long handle) throws ReflectiveOperationException {
        Constructor<CUstream> c = CUstream.class.getDeclaredConstructor(long.class);
        c.setAccessible(true);
        return c.newInstance(handle);
    }

    private static float[] normal(long seed, long n) {
        Rng r = new Rng(seed);
        float[] f = new float[Math.toIntExact(n)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    private static void gemm(HostMemory mem, GemmProvider p, VendorCases.GemmCase c) {
        GemmSpec s = c.spec();
        float[] a = normal(1, c.lengthA());
        float[] b = normal(2, c.lengthB());
        float[] cv = normal(3, c.lengthC());
        Backend cpu = Backends.cpu();
        Storage cs = cpu.upload(cv);
        cpu.gemm().gemm(s, cpu.upload(a), cpu.upload(b), cs);
        float[] expected = new float[cv.length];
        cpu.download(cs, expected);
        Buf cb = mem.upload(cv);
        p.gemm(s, mem.upload(a), mem.upload(b), cb);
        Tolerance.F32.check("gemm " + c.name() + " " + s + " through " + p, null, widen(expected), widen(mem.download(cb)));
    }

    private static void conv(HostMemory mem, ConvProvider p, ConvGeometry g) {
        long nx = (long) g.n() * g.cIn() * g.h() * g.w();
        long nw = (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
        long ny = (long) g.n() * g.cOut() * g.outH() * g.outW();
        float[] x = normal(4, nx);
        float[] w = normal(5, nw);
        float[] dy = normal(6, ny);
        float[] garbage = new float[Math.toIntExact(Math.max(nx, Math.max(nw, ny)))];
        java.util.Arrays.fill(garbage, Float.NaN);
        Backend cpu = Backends.cpu();

        Storage y = cpu.allocate(DType.F32, ny);
        cpu.conv().forward(g, cpu.upload(x), cpu.upload(w), y);
        Buf yb = mem.upload(java.util.Arrays.copyOf(garbage, (int) ny));
        p.forward(g, mem.upload(x), mem.upload(w), yb);
        check("conv2d forward " + g, g.yShape(), cpu, y, mem.download(yb));

        Storage dx = cpu.allocate(DType.F32, nx);
        cpu.conv().backwardData(g, cpu.upload(dy), cpu.upload(w), dx);
        Buf dxb = mem.upload(java.util.Arrays.copyOf(garbage, (int) nx));
        p.backwardData(g, mem.upload(dy), mem.upload(w), dxb);
        check("conv2d backward data " + g, g.xShape(), cpu, dx, mem.download(dxb));

        Storage dw = cpu.allocate(DType.F32, nw);
        cpu.conv().backwardFilter(g, cpu.upload(x), cpu.upload(dy), dw);
        Buf dwb = mem.upload(java.util.Arrays.copyOf(garbage, (int) nw));
        p.backwardFilter(g, mem.upload(x), mem.upload(dy), dwb);
        check("conv2d backward filter " + g, g.wShape(), cpu, dw, mem.download(dwb));
    }

    private static void check(String what, int[] shape, Backend cpu, Storage expected, float[] actual) {
        float[] e = new float[actual.length];
        cpu.download(expected, e);
        Tolerance.F32.check(what, shape, widen(e), widen(actual));
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
