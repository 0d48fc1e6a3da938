package org.lrml.backend;


/**
 * A flat buffer of {@link #length()} elements of one {@link DType}, owned by a {@link Backend}.
 * Tensors are views of whole storages (shape + storage); a storage never changes its backend or type.
 *
 * <p>{@link #close()} releases the memory now (device memory goes back to the caching allocator);
 * CPU storages are left to the garbage collector and treat close as a hint. Closing twice is harmless;
 * using a closed storage is an error that names the storage.
 */
public abstract class Storage implements AutoCloseable {
    private final DType dtype;
    private final long length;

    protected Storage(DType dtype, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative storage length " + length);
        }
        this.dtype = dtype;
        this.length = length;
    }

    public abstract Backend backend();

    public final DType dtype() {
        return dtype;
    }

    public final long length() {
        return length;
    }

    /** Whether {@link #close()} has run. */
    public abstract boolean isClosed();

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return backend().name() + " " + dtype.numpyName() + "[" + length + "]" + (isClosed() ? " (closed)" : "");
    }
}
