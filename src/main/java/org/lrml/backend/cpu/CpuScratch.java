package org.lrml.backend.cpu;

/**
 * Per-thread float buffers that kernels reuse from call to call (packing panels, channels-last copies,
 * column matrices), so a training step does not allocate and zero them again each time. Contents are
 * unspecified. A buffer above {@value #KEEP_FLOATS} floats is handed out but not kept, which bounds what
 * an idle thread holds on to.
 */
final class CpuScratch {
    static final int KEEP_FLOATS = 1 << 22;
    private final ThreadLocal<float[][]> slots;

    /** {@code count} independent buffers per thread. */
    CpuScratch(int count) {
        slots = ThreadLocal.withInitial(() -> new float[count][0]);
    }

    /** This thread's buffer {@code slot}, at least {@code length} floats. */
    float[] get(int slot, int length) {
        float[][] s = slots.get();
        if (s[slot].length >= length) {
            return s[slot];
        }
        float[] fresh = new float[length];
        if (length <= KEEP_FLOATS) {
            s[slot] = fresh;
        }
        return fresh;
    }
}
