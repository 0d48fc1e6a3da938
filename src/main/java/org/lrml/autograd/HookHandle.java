package org.lrml.autograd;

/** Removes the hook it was returned for ({@code Tensor.registerHook}, {@code Module} hooks); removing twice is harmless. */
@FunctionalInterface
public interface HookHandle extends AutoCloseable {
    /** Removes the hook. */
    void remove();

    /** The same as {@link #remove()}, so a hook can live for a try block. */
    @Override
    default void close() {
        remove();
    }
}
