package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;

/** The caching allocator on the device: reuse in steady state, release through memory scopes, the OOM message. */
@Tag("gpu")
class CudaAllocatorTest {

    @BeforeEach
    void open() {
        CudaAvailable.assumeCuda();
    }

    @Test
    void steadyStateStepsAllocateNothingNew() {
        try (CudaBackend b = CudaAvailable.fresh(1L << 30)) {
            CudaAllocator a = b.context().allocator;
            for (int step = 0; step < 5; step++) {
                try (MemoryScope scope = MemoryScope.open()) {
                    for (int t = 0; t < 10; t++) {
                        Storage s = b.allocate(DType.F32, 1000 + 37L * t);
                        b.fill(s, t);
                    }
                }
                if (step == 0) {
                    assertEquals(10, a.stats().deviceAllocations(), "first step: one device allocation per tensor");
                }
            }
            CudaAllocator.Stats s = a.stats();
            assertEquals(10, s.deviceAllocations(), "later steps must reuse cached blocks: " + s);
            assertEquals(40, s.reuses(), s.toString());
            assertEquals(0, s.bytesInUse(), "scopes released everything: " + s);
            assertTrue(s.bytesCached() > 0, s.toString());
            b.emptyCache();
            assertEquals(0, a.stats().bytesCached(), a.stats().toString());
        }
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        assertEquals(512, CudaAllocator.sizeClass(1));
        assertEquals(512, CudaAllocator.sizeClass(512));
        for (long bytes = 513; bytes < 1 << 24; bytes = bytes * 3 / 2 + 7) {
            long c = CudaAllocator.sizeClass(bytes);
            assertTrue(c >= bytes && c <= bytes * 1.25 + 1, bytes + " -> " + c);
            assertEquals(c, CudaAllocator.sizeClass(c), "a class is its own class");
        }
    }

    @Test
    void outOfMemorySaysWhatWasAskedFreeAndCached() {
        try (CudaBackend b = CudaAvailable.fresh(64L << 20)) {
            long total = b.context().device.memInfo()[1];
            Storage keep = b.allocate(DType.F32, 1 << 20);
            b.allocate(DType.F32, 1 << 20).close();  // leaves a cached block to be released on the failed attempt
            long huge = total;  // floats: four times the device
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                    () -> b.allocate(DType.F32, huge));
            String m = e.getMessage();
            assertTrue(m.startsWith("CUDA out of memory: a float32 tensor of " + huge + " elements asked for"), m);
            assertTrue(m.contains("free of") && m.contains("in use") && m.contains("cached, which was released"), m);
            assertEquals(0, b.context().allocator.stats().bytesCached(), "the cache was released before retrying");
            keep.close();
        }
    }

    @Test
    void useAfterCloseNamesTheStorage() {
        try (CudaBackend b = CudaAvailable.fresh(1L << 28)) {
            Storage s = b.allocate(DType.F32, 10);
            s.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.fill(s, 1));
            assertTrue(e.getMessage().contains("released storage"), e.getMessage());
        }
    }
}
