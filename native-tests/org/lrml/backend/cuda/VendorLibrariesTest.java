package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Providers.Family;
import org.lrml.backend.cuda.vendor.CudnnConvolution;
import org.lrml.backend.cuda.vendor.VendorCases;
import org.lrml.backend.cuda.vendor.VendorProviders;
import org.lrml.backend.DType;

/**
 * cuBLAS and cuDNN, where this machine has them, against the built-in kernels and the CPU backend: every GEMM case
 * (all transposes, batches, offsets, odd sizes, k = 0, overlapping outputs) and every convolution pass (stride,
 * padding, dilation, groups), each vendor result also repeated once and required bit-identical (one stream per
 * handle, deterministic cuDNN algorithms). Skips with the providers table's reason where a library is missing,
 * and on the kernel emulator.
 */
@Tag("gpu")
class VendorLibrariesTest {
    private static CudaBackend cuda;

    @BeforeEach
    void open() {
        Backend b = CudaAvailable.assumeCuda();
        Assumptions.assumeTrue(b instanceof CudaBackend, "not the CUDA backend");
        cuda = (CudaBackend) b;
    }

    private static String reason(Family f) {
        return cuda.providers().row(f).describe();
    }

    private static float[] run(GemmProvider p, GemmSpec s, float[] a, float[] b, float[] c) {
        Storage cs = cuda.upload(c);
        p.gemm(s, CudaStorage.of(cuda.upload(a)).buf(), CudaStorage.of(cuda.upload(b)).buf(), CudaStorage.of(cs).buf());
        return Compare.floats(cuda, cs);
    }

    @Test
    void cublasMatchesTheBuiltInKernelsAndTheCpuAndRepeatsBitForBit() {
        GemmProvider cublas = cuda.gemmProvider(VendorProviders.GEMM);
        Assumptions.assumeTrue(cublas != null, () -> "no cuBLAS here: " + reason(Family.GEMM));
        GemmProvider builtin = cuda.gemmProvider("builtin");
        for (VendorCases.GemmCase c : VendorCases.gemms()) {
            GemmSpec s = c.spec();
            float[] a = Compare.normal(1, (int) c.lengthA());
            float[] b = Compare.normal(2, (int) c.lengthB());
            float[] cv = Compare.normal(3, (int) c.lengthC());
            Storage cpuC = Compare.cpu().upload(cv);
            Compare.cpu().gemm().gemm(s, Compare.cpu().upload(a), Compare.cpu().upload(b), cpuC);
            double[] expected = Compare.values(Compare.cpu(), cpuC);
            float[] viaCublas = run(cublas, s, a, b, cv);
            String what = "cuBLAS gemm " + c.name() + " " + s;
            Compare.close(what + " vs CPU", null, expected, Compare.widen(viaCublas));
            Compare.close(what + " vs built-in", null, Compare.widen(run(builtin, s, a, b, cv)), Compare.widen(viaCublas));
            Compare.identical(what + ", second run", viaCublas, run(cublas, s, a, b, cv));
        }
    }

    @Test
    void theBackendsGemmGoesToTheActiveProvider() {
        String active = cuda.providers().active(Family.GEMM);
        GemmProvider p = cuda.gemmProvider(active);
        GemmSpec s = GemmSpec.of(false, true, 67, 45, 131);
        float[] a = Compare.normal(4, 67 * 131);
        float[] b = Compare.normal(5, 45 * 131);
        Storage c = cuda.allocate(DType.F32, 67 * 45);
        cuda.gemm().gemm(s, cuda.upload(a), cuda.upload(b), c);
        Compare.identical("Backend.gemm is the " + active + " provider's", run(p, s, a, b, new float[67 * 45]),
                Compare.floats(cuda, c));
    }

    private interface Pass {
        void run(ConvProvider p, ConvGeometry g, Buf in1, Buf in2, Buf out);
    }

    private static float[] conv(ConvProvider p, Pass pass, ConvGeometry g, float[] in1, float[] in2, long outLength) {
        Storage out = cuda.upload(Compare.uniform(9, (int) outLength, 7, 8)); // must be overwritten
        pass.run(p, g, CudaStorage.of(cuda.upload(in1)).buf(), CudaStorage.of(cuda.upload(in2)).buf(),
                CudaStorage.of(out).buf());
        return Compare.floats(cuda, out);
    }

    @Test
    void cudnnMatchesTheBuiltInKernelsAndTheCpuAndRepeatsBitForBit() {
        ConvProvider cudnn = cuda.convProvider(VendorProviders.CONV);
        Assumptions.assumeTrue(cudnn != null, () -> "no cuDNN here: " + reason(Family.CONV));
        ConvProvider builtin = cuda.convProvider("builtin");
        Backend cpu = Compare.cpu();
        for (ConvGeometry g : VendorCases.convs()) {
            int nx = g.n() * g.cIn() * g.h() * g.w();
            int nw = g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
            int ny = g.n() * g.cOut() * g.outH() * g.outW();
            float[] x = Compare.normal(11, nx);
            float[] w = Compare.normal(12, nw);
            float[] dy = Compare.normal(13, ny);

            Storage y = cpu.allocate(DType.F32, ny);
            cpu.conv().forward(g, cpu.upload(x), cpu.upload(w), y);
            check("forward", g, g.yShape(), Compare.values(cpu, y), cudnn, builtin, ConvProvider::forward, x, w, ny);

            Storage dx = cpu.allocate(DType.F32, nx);
            cpu.conv().backwardData(g, cpu.upload(dy), cpu.upload(w), dx);
            check("backward data", g, g.xShape(), Compare.values(cpu, dx), cudnn, builtin, ConvProvider::backwardData,
                    dy, w, nx);

            Storage dw = cpu.allocate(DType.F32, nw);
            cpu.conv().backwardFilter(g, cpu.upload(x), cpu.upload(dy), dw);
            check("backward filter", g, g.wShape(), Compare.values(cpu, dw), cudnn, builtin,
                    ConvProvider::backwardFilter, x, dy, nw);
        }
        if (cudnn instanceof CudnnConvolution c && !c.fallbacks().isEmpty()) {
            System.out.println("[native tests] cuDNN left these to the built-in kernels: " + c.fallbacks());
        }
    }

    private static void check(String pass, ConvGeometry g, int[] shape, double[] expected, ConvProvider cudnn,
                              ConvProvider builtin, Pass run, float[] in1, float[] in2, long outLength) {
        String what = "cuDNN conv2d " + pass + " " + g;
        float[] got = conv(cudnn, run, g, in1, in2, outLength);
        Compare.close(what + " vs CPU", shape, expected, Compare.widen(got));
        Compare.close(what + " vs built-in", shape, Compare.widen(conv(builtin, run, g, in1, in2, outLength)),
                Compare.widen(got));
        Compare.identical(what + ", second run", got, conv(cudnn, run, g, in1, in2, outLength));
    }

    @Test
    void vendorProvidersArePreferredWhereTheyWork() {
        if (cuda.gemmProvider(VendorProviders.GEMM) != null && System.getProperty("lrml.cuda.provider.gemm") == null) {
            assertEquals(VendorProviders.GEMM, cuda.providers().active(Family.GEMM), reason(Family.GEMM));
        }
        if (cuda.convProvider(VendorProviders.CONV) != null && System.getProperty("lrml.cuda.provider.conv") == null) {
            assertEquals(VendorProviders.CONV, cuda.providers().active(Family.CONV), reason(Family.CONV));
        }
        System.out.println("[native tests] " + reason(Family.GEMM));
        System.out.println("[native tests] " + reason(Family.CONV));
    }
}
