package org.lrml.backend.cuda;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

import java.lang.ref.Cleaner;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;

/**
 * float32 device memory owned by the CUDA backend: a block of the caching allocator, its address and length.
 * {@link #close()} (or the memory scope that tracks it) hands the block back to the allocator at once; a
 * storage that is never closed is handed back when the garbage collector finds it unreachable, so forgotten
 * tensors cost device memory only until the next collection.
 */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** The release action; it must not refer to the storage, or the storage would never become unreachable. */
    private static final class Release implements Runnable {
        private final CudaAllocator allocator;
        private final CudaAllocator.Block block;
        private volatile boolean done;

        Release(CudaAllocator allocator, CudaAllocator.Block block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public void run() {
            if (!done) {
                done = true;
                allocator.release(block);
            }
        }
    }

    CudaStorage(CudaBackend backend, CudaAllocator allocator, CudaAllocator.Block block, long length) {
        super(DType.F32, length);
        this.backend = backend;
        this.release = new Release(allocator, block);
        this.cleanable = CLEANER.register(this, release);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The device memory; fails when the storage has been released. */
    DeviceMemory memory() {
        if (release.done) {
            throw new IllegalStateException("use of a released storage " + this
                    + " (its memory scope closed; keep it with MemoryScope.keep)");
        }
        return release.block.memory;
    }

    /** Device address of element 0 (what kernels receive). */
    public long address() {
        return memory().address;
    }

    /** The storage as the launchers see it: address and length. */
    public Buf buf() {
        return new Buf(memory().address, length());
    }

    CudaAllocator.Block block() {
        return release.block;
    }

    @Override
    public boolean isClosed() {
        return release.done;
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    /** The storage as the launchers see it; fails when it belongs elsewhere or was released. */
    public static Buf buf(Storage s) {
        return of(s).buf();
    }

    /** {@link #buf(Storage)}, or null for a null storage (optional outputs). */
    public static Buf bufOrNull(Storage s) {
        return s == null ? null : buf(s);
    }

    /** Each storage as the launchers see it; null stays null (optional lists). */
    public static List<Buf> bufs(List<Storage> storages) {
        if (storages == null) {
            return null;
        }
        List<Buf> out = new ArrayList<>(storages.size());
        for (Storage s : storages) {
            out.add(buf(s));
        }
        return out;
    }

    /**
     * Keeps the owners of the buffers a launch used reachable until here, i.e. until the launch is queued: launchers
     * see raw addresses only, and a storage the JIT considers dead could otherwise be cleaned mid-call and its block
     * handed to the same launcher's scratch before the kernel that reads it is queued. Called at the end of every
     * Storage-level family method.
     */
    public static void keepReachable(Object... owners) {
        Reference.reachabilityFence(owners);
    }

    /** Casts a storage that must belong to the CUDA backend; the message says what it got instead. */
    public static CudaStorage of(Storage s) {
        if (s instanceof CudaStorage c) {
            if (c.isClosed()) {
                throw new IllegalStateException("use of a released storage " + s
                        + " (its memory scope closed; keep it with MemoryScope.keep)");
            }
            return c;
        }
        throw new IllegalArgumentException("the CUDA backend was given a storage of backend "
                + (s == null ? "null" : s.backend().name() + " (" + s + ")") + "; move the tensor with tensor.to(backend)");
    }
}
