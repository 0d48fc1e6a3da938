package org.lrml.backend.cuda;

import java.util.List;

/**
 * A captured sequence of kernel launches (see {@link CudaGraphs#capture}) that {@link #replay()} runs again
 * with one driver call. It owns the device blocks the captured step used until it is closed.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaContext context;
    private final Object exec;
    /** The token the allocator tagged this graph's blocks with. */
    private final Object owner;
    private final List<CudaAllocator.Block> blocks;
    private boolean closed;

    CudaGraph(CudaContext context, Object exec, Object owner, List<CudaAllocator.Block> blocks) {
        this.context = context;
        this.exec = exec;
        this.owner = owner;
        this.blocks = blocks;
    }

    /** Queues the whole captured step; call {@code backend.synchronize()} or read a result to wait for it. */
    public void replay() {
        if (closed) {
            throw new IllegalStateException("replay of a closed CUDA graph");
        }
        context.device.graphLaunch(exec);
    }

    /** Device blocks reserved for this graph. */
    public int blockCount() {
        return blocks.size();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                context.device.synchronize();
                context.device.graphDestroy(exec);
            } finally {
                context.allocator.releaseGraph(owner, blocks);
            }
        }
    }
}
