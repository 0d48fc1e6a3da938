package org.lrml.backend.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Caching device allocator. Requests are rounded up to size classes (four per power of two, at least 512 bytes,
 * so at most 25% is wasted); a released block goes to its class's free list and the next request of that class
 * takes it, so a training step in steady state calls cuMemAlloc not at all. All work runs on one in-order stream,
 * which makes immediate reuse safe: a kernel that reads a block's new contents is queued after every kernel
 * that used its old ones.
 *
 * <p>Out of memory: the cache is released (after waiting for queued work) and the allocation retried once;
 * if it still fails, a {@link CudaOutOfMemoryException} says what was asked, what is free, in use and cached.
 *
 * <p>Graph capture: while a capture runs, every request must be served from the cache (cuMemAlloc cannot be
 * captured), and the blocks the captured step touched are reserved for the graph afterwards (see
 * {@link CudaGraphs}), because a replay writes into them again.
 */
final class CudaAllocator {
    static final long MIN_BLOCK = 512;

    /** One device allocation and its state in the allocator. */
    static final class Block {
        final DeviceMemory memory;
        boolean inUse;
        /** Set while a captured graph may write this block on replay. */
        Object graphOwner;

        Block(DeviceMemory memory) {
            this.memory = memory;
        }

        long bytes() {
            return memory.bytes;
        }
    }

    /** Counters for tests, benchmarks and {@code lrml info}. */
    record Stats(long bytesInUse, long bytesCached, long peakBytesInUse, long deviceAllocations, long reuses,
                 long cacheReleases) {
        @Override
        public String toString() {
            return String.format("%s in use (peak %s), %s cached; %d device allocations, %d reuses, cache released %d times",
                    bytes(bytesInUse), bytes(peakBytesInUse), bytes(bytesCached), deviceAllocations, reuses, cacheReleases);
        }
    }

    private final DeviceApi device;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private final Set<Block> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytesInUse;
    private long bytesCached;
    private long peak;
    private long deviceAllocations;
    private long reuses;
    private long cacheReleases;
    private List<Block> captured;
    private boolean closed;

    CudaAllocator(DeviceApi device) {
        this.device = device;
    }

    /** The size class of a request: at least MIN_BLOCK, else rounded up to a quarter of its power of two. */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        long p = Long.highestOneBit(bytes - 1);  // p < bytes <= 2p
        long step = p / 4;
        return (bytes + step - 1) / step * step;
    }

    synchronized Block acquire(long bytes, String what) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend has been closed; " + what + " cannot be allocated");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException(what + ": negative size " + bytes);
        }
        long size = sizeClass(bytes);
        ArrayDeque<Block> list = free.get(size);
        Block b = list == null ? null : list.pollLast();
        if (b != null) {
            bytesCached -= size;
            reuses++;
        } else {
            if (captured != null) {
                throw new CudaException("CUDA graph capture: " + what + " needs " + bytes(size) + " that the allocator's"
                        + " cache cannot serve, and device allocation cannot be captured; run the step once before"
                        + " capturing so that its memory is cached (" + stats() + ")", -1);
            }
            DeviceMemory m = device.malloc(size);
            if (m == null) {
                long cachedBefore = bytesCached;
                releaseCache();
                m = device.malloc(size);
                if (m == null) {
                    long[] info = device.memInfo();
                    throw new CudaOutOfMemoryException(String.format(
                            "CUDA out of memory: %s asked for %s (%s with rounding); the device has %s free of %s; this"
                                    + " process holds %s in use and had %s cached, which was released before retrying."
                                    + " Reduce the batch size or free tensors you no longer need (MemoryScope).",
                            what, bytes(bytes), bytes(size), bytes(info[0]), bytes(info[1]), bytes(bytesInUse),
                            bytes(cachedBefore)));
                }
            }
            b = new Block(m);
            all.add(b);
            deviceAllocations++;
        }
        b.inUse = true;
        bytesInUse += size;
        peak = Math.max(peak, bytesInUse);
        if (captured != null) {
            captured.add(b);
        }
        return b;
    }

    synchronized void release(Block b) {
        if (closed || !b.inUse) {
            return;
        }
        b.inUse = false;
        bytesInUse -= b.bytes();
        if (captured != null) {
            // A block the step frees may still be written by the captured kernels on every replay (it was the step's
            // scratch or an input it consumed): it belongs to the graph, not to the next allocation.
            captured.add(b);
        }
        if (b.graphOwner != null) {
            return;  // reserved for its graph; CudaGraphs returns it to the cache when the graph closes
        }
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).addLast(b);
        bytesCached += b.bytes();
    }

    /** Frees every cached block to the driver (after queued work, which may still use them, has finished). */
    synchronized void releaseCache() {
        if (bytesCached == 0) {
            return;
        }
        device.synchronize();
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                device.free(b.memory);
                all.remove(b);
            }
        }
        free.clear();
        bytesCached = 0;
        cacheReleases++;
    }

    synchronized Stats stats() {
        return new Stats(bytesInUse, bytesCached, peak, deviceAllocations, reuses, cacheReleases);
    }

    // ---------------------------------------------------------------- graph capture

    synchronized void beginCapture() {
        if (captured != null) {
            throw new IllegalStateException("a CUDA graph capture is already running");
        }
        captured = new ArrayList<>();
    }

    /**
     * Ends the capture: the blocks the step acquired or released now belong to the graph (free ones leave the cache;
     * those still in use by live storages stay with them and are kept from the cache when released).
     */
    synchronized List<Block> endCapture(Object graph) {
        List<Block> blocks = captured == null ? List.of() : captured;
        captured = null;
        List<Block> owned = new ArrayList<>();
        Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Block b : blocks) {
            if (!seen.add(b)) {
                continue;
            }
            if (!b.inUse) {
                ArrayDeque<Block> list = free.get(b.bytes());
                if (list != null && list.remove(b)) {
                    bytesCached -= b.bytes();
                }
            }
            b.graphOwner = graph;
            owned.add(b);
        }
        return owned;
    }

    /** Hands a closed graph's blocks back: free ones to the cache, used ones to their storages. */
    synchronized void releaseGraph(Object graph, List<Block> blocks) {
        for (Block b : blocks) {
            if (b.graphOwner != graph) {
                continue;
            }
            b.graphOwner = null;
            if (!b.inUse && !closed) {
                free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).addLast(b);
                bytesCached += b.bytes();
            }
        }
    }

    synchronized boolean capturing() {
        return captured != null;
    }

    /** Frees every block, cached or not; storages still open become unusable. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Block b : all) {
            try {
                device.free(b.memory);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        all.clear();
        free.clear();
        bytesCached = 0;
        bytesInUse = 0;
        if (first != null) {
            throw first;
        }
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format("%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format("%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }
}
