package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.DType;
import org.lrml.backend.Storage;

/**
 * The CPU backend's array recycling: a closed storage from allocate() gives its array to the next storage of the same
 * length (and only that length), small arrays and arrays the backend did not allocate are never pooled, a closed
 * storage still refuses use, and the pool's bytes stay within its bound.
 */
class CpuArrayPoolTest {
    private static final CpuBackend CPU = CpuBackend.INSTANCE;

    @Test
    void aClosedStoragesArrayServesTheNextStorageOfTheSameLength() {
        CPU.arrays().clear();
        int n = CpuArrayPool.MIN_LENGTH * 3 + 7;
        CpuStorage a = CpuStorage.of(CPU.allocate(DType.F32, n));
        float[] array = a.f();
        a.close();
        assertThrows(IllegalStateException.class, a::f, "a closed storage still fails loudly");
        assertEquals(4L * n, CPU.arrays().pooledBytes());
        CpuStorage other = CpuStorage.of(CPU.allocate(DType.F32, n + 1));
        assertNotSame(array, other.f(), "another length gets a fresh array");
        CpuStorage b = CpuStorage.of(CPU.allocate(DType.F32, n));
        assertSame(array, b.f(), "the same length reuses the closed storage's array");
        assertEquals(0, CPU.arrays().pooledBytes());
        b.close();
        b.close();
        assertEquals(4L * n, CPU.arrays().pooledBytes(), "closing twice returns the array once");
        other.close();
        CPU.arrays().clear();
    }

    @Test
    void doublesAreRecycledToo() {
        CPU.arrays().clear();
        int n = CpuArrayPool.MIN_LENGTH + 1;
        CpuStorage a = CpuStorage.of(CPU.allocate(DType.F64, n));
        double[] array = a.d();
        a.close();
        assertSame(array, CpuStorage.of(CPU.allocate(DType.F64, n)).d());
        CPU.arrays().clear();
    }

    @Test
    void smallAndUploadedArraysAreNotPooled() {
        CPU.arrays().clear();
        CPU.allocate(DType.F32, CpuArrayPool.MIN_LENGTH - 1).close();
        Storage up = CPU.upload(new float[CpuArrayPool.MIN_LENGTH * 2]);
        up.close();
        assertEquals(0, CPU.arrays().pooledBytes(), "small arrays and uploaded copies are the collector's");
    }

    @Test
    void thePoolStaysWithinItsBound() {
        CPU.arrays().clear();
        long bound = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
        int n = 1 << 22;  // 16 MiB each
        int count = (int) (bound / (4L * n)) + 3;
        CpuStorage[] s = new CpuStorage[count];
        for (int i = 0; i < count; i++) {
            s[i] = CpuStorage.of(CPU.allocate(DType.F32, n));
        }
        for (CpuStorage st : s) {
            st.close();
        }
        assertTrue(CPU.arrays().pooledBytes() <= bound, CPU.arrays().pooledBytes() + " pooled bytes, bound " + bound);
        assertTrue(CPU.arrays().pooledBytes() >= bound - 4L * n, "the pool fills up to its bound");
        CPU.arrays().clear();
    }
}
