package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.GemmProvider;

/** How the vendor providers are chosen and reported, without loading any vendor library into this JVM. */
class VendorProvidersTest {
    private static final GemmProvider NO_GEMM = (s, a, b, c) -> {
        throw new AssertionError("not used");
    };

    private static final ConvProvider NO_CONV = new ConvProvider() {
        @Override
        public void forward(ConvGeometry g, Buf x, Buf w, Buf y) {
            throw new AssertionError("not used");
        }

        @Override
        public void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx) {
            throw new AssertionError("not used");
        }

        @Override
        public void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw) {
            throw new AssertionError("not used");
        }
    };

    @AfterEach
    void clear() {
        System.clearProperty(VendorProviders.BINDING_PROPERTY);
    }

    @Test
    void theEmulatorHasNoVendorLibraries() {
        VendorProviders v = VendorProviders.open(null, NO_GEMM, NO_CONV, null, null);
        assertNull(v.gemm());
        assertNull(v.conv());
        assertTrue(v.gemmReason().startsWith("the kernel emulator runs only the built-in kernels"), v.gemmReason());
        v.close();
    }

    @Test
    void forcingTheBuiltInKernelsLeavesTheLibrariesUntouched() {
        VendorContext ctx = new VendorContext(new NativeStream(1, null), () -> {
            throw new AssertionError("no library may be opened");
        }, call -> { }, null, 13000);
        VendorProviders v = VendorProviders.open(ctx, NO_GEMM, NO_CONV, "builtin", "BUILTIN");
        assertEquals("forced off by -Dlrml.cuda.provider.gemm=builtin", v.gemmReason());
        assertEquals("forced off by -Dlrml.cuda.provider.conv=BUILTIN", v.convReason());
    }

    @Test
    void theBindingPropertyRestrictsWhichBindingsAreTried() {
        List<Binding<CublasSession>> all = VendorProviders.cublasBindings();
        assertEquals(List.of("cuBLAS 12 via JCublas2", "cuBLAS 13 via FFM", "cuBLAS 12 via FFM"),
                all.stream().map(Binding::label).toList());
        assertEquals(List.of("cuDNN 9 via FFM", "cuDNN 8 via JCudnn 11.7.0"),
                VendorProviders.cudnnBindings().stream().map(Binding::label).toList());
        System.setProperty(VendorProviders.BINDING_PROPERTY, "ffm");
        assertEquals("skipped: -Dlrml.cuda.binding=ffm", VendorProviders.skipped(all.get(0)));
        assertNull(VendorProviders.skipped(all.get(1)));
        System.setProperty(VendorProviders.BINDING_PROPERTY, "jcuda");
        assertNull(VendorProviders.skipped(all.get(0)));
        assertEquals("skipped: -Dlrml.cuda.binding=jcuda", VendorProviders.skipped(all.get(2)));
        System.setProperty(VendorProviders.BINDING_PROPERTY, "jni");
        assertThrows(IllegalArgumentException.class, () -> VendorProviders.skipped(all.get(0)));
    }

    @Test
    void aProbeThatThrowsBecomesAReason() {
        Binding<CublasSession> broken = new Binding<>() {
            @Override
            public String label() {
                return "broken";
            }

            @Override
            public String soname() {
                return "libbroken.so.1";
            }

            @Override
            public String probe(LibrarySearch search) {
                throw new NoClassDefFoundError("jcuda/jcublas/JCublas2");
            }

            @Override
            public String describe() {
                return "broken";
            }

            @Override
            public CublasSession open(NativeStream stream) {
                throw new AssertionError();
            }
        };
        String r = VendorProviders.probe(broken, LibrarySearch.fromEnvironment());
        assertEquals("probing failed: NoClassDefFoundError: jcuda/jcublas/JCublas2", r);
    }

    @Test
    void sessionCallsRunOnTheBackendsContextAndAreCheckedAfterwards() {
        List<String> events = new ArrayList<>();
        VendorContext ctx = new VendorContext(new NativeStream(1, null), () -> events.add("current"), events::add,
                null, 13000);
        JavaFakeCublas fake = new JavaFakeCublas();
        CublasSession s = VendorProviders.onContext(CublasSession.class, fake, ctx);
        Buf a = fake.upload(new float[]{1, 2});
        Buf b = fake.upload(new float[]{3, 4});
        Buf c = fake.upload(new float[]{0});
        s.sgemm(0, 0, 1, 1, 2, 1f, b.address(), 1, a.address(), 2, 0f, c.address(), 1);
        assertEquals(11f, fake.download(c)[0]);
        VendorException e = assertThrows(VendorException.class, () -> s.sgemm(0, 0, 3, 1, 2, 1f, a.address(), 1,
                b.address(), 2, 0f, c.address(), 1));
        assertTrue(e.getMessage().contains("INVALID_VALUE"), "the library's own exception comes through unwrapped");
        s.close();
        assertEquals(List.of("current", "CublasSession.sgemm", "current", "current"), events,
                "current before every call, the after-call check after each that returned (not after close)");
        assertTrue(fake.closed);
    }

    @Test
    void lrmlInfoGetsEveryBindingsReasonOnThisMachine() {
        List<String> lines = VendorProviders.inventory();
        assertTrue(lines.get(0).startsWith("searched "), lines.get(0));
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("gemm cublas, cuBLAS 12 via JCublas2: "), lines.get(1));
        assertTrue(lines.get(4).startsWith("conv cudnn, cuDNN 9 via FFM: "), lines.get(4));
        if (Runtime.version().feature() < FfmAccess.MIN_JAVA) {
            assertTrue(lines.get(2).endsWith("the FFM binding needs Java 22 or newer (running "
                    + Runtime.version().feature() + ")"), lines.get(2));
        }
        if (LibrarySearch.fromEnvironment().find(JCublasBinding.SONAME) == null) {
            assertTrue(lines.get(1).contains("libcublas.so.12 not found in ["), lines.get(1));
        }
    }

    @Test
    void gemmSpecsWithOffsetsKeepTheirOperandsInTheMapping() {
        GemmSpec s = new GemmSpec(2, true, false, 3, 4, 5, 1.0, 7, 3, 15, 11, 4, 20, 0.0, 13, 6, 18);
        ColumnMajorGemm g = ColumnMajorGemm.of(s);
        assertEquals(new ColumnMajorGemm(CublasSession.OP_N, CublasSession.OP_T, 4, 3, 5, 11, 4, 20, 7, 3, 15, 13, 6, 18, 2),
                g, "cuBLAS's first operand is our B with its offset, ld and stride; its second our A");
    }
}
