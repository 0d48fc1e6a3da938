package org.lrml.io;

import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Releases a mapping as soon as its bytes are copied out. Java 17 offers no public unmap: a mapping lives until its
 * buffer object is collected, and a scan of an 8 GiB file in a small heap produces little garbage, so the mappings
 * of already-scanned blocks would pile up in the address space (and in the resident set, as file pages). The JDK's
 * own {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, the call Lucene's MMapDirectory makes on Java
 * 17) unmaps at once. Where it cannot be reached, unmapping is left to the garbage collector, which is correct,
 * only less tidy.
 */
final class Unmapper {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method clean = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            clean = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            clean = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = clean;
    }

    private Unmapper() {
    }

    /** Unmaps the buffer; it must not be used afterwards (nor any view of it). */
    static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left to the garbage collector.
        }
    }

    /** Whether mappings are released at once (for tests and lrml info). */
    static boolean prompt() {
        return INVOKE_CLEANER != null;
    }
}
