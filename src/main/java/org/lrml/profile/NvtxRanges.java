package org.lrml.profile;

/**
 * NVTX, the annotation API Nsight Systems reads: named ranges pushed and popped on the calling thread, and marks.
 * The binding ({@code NvtxFfm}, in the jar's Java 22 part) calls libnvToolsExt through the foreign-function API; where
 * that cannot load, {@link Nvtx#load()} hands out a no-op with the reason.
 */
public interface NvtxRanges {
    /**
     * Opens a range named {@code name} on this thread.
     *
     * @param name what Nsight shows
     */
    void push(String name);

    /** Closes this thread's innermost range. */
    void pop();

    /**
     * An instant event named {@code name}.
     *
     * @param name what Nsight shows
     */
    void mark(String name);
}
