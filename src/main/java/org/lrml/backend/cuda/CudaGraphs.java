package org.lrml.backend.cuda;

import java.util.List;

import org.lrml.backend.Backend;

/**
 * CUDA graphs of a steady-state step: {@link #capture} records every kernel the step launches (stream capture)
 * and instantiates them as one graph; {@link CudaGraph#replay()} then runs the whole step with a single driver
 * call, removing the per-launch CPU cost.
 *
 * <p>Limits, all reported with a message that names the cause:
 * <ul>
 * <li>Run the step once before capturing: during capture every allocation must come from the caching
 * allocator's cache, since cuMemAlloc cannot be captured.</li>
 * <li>The step may not move data between host and device (uploads, downloads such as {@code loss.item()},
 * gather/scatter index lists, optimiser parameter tables) or synchronise. Copy new inputs into the step's
 * input tensors before each replay and read results after it.</li>
 * <li>Replays reuse the captured device addresses: the step's inputs, outputs and parameters must stay the
 * same storages, and the blocks of its intermediates stay reserved for the graph until it is closed.</li>
 * <li>Everything captured is replayed: data-dependent host decisions (shapes, branches) are frozen at capture.</li>
 * </ul>
 */
public final class CudaGraphs {
    private CudaGraphs() {
    }

    /** Captures what {@code step} launches on the shared CUDA backend ({@code Backends.cuda()}). */
    public static CudaGraph capture(Runnable step) {
        return capture(org.lrml.backend.Backends.cuda(), step);
    }

    /** Captures what {@code step} launches on the CUDA backend into a graph; the step is not executed. */
    public static CudaGraph capture(Backend backend, Runnable step) {
        if (!(backend instanceof CudaBackend cb)) {
            throw new IllegalArgumentException("CUDA graph capture needs the CUDA backend, got " + backend.name());
        }
        CudaContext ctx = cb.context();
        ctx.device.synchronize();
        ctx.allocator.beginCapture();
        ctx.setCapturing(true);
        boolean began = false;
        Object exec = null;
        Object owner = new Object();
        try {
            ctx.device.beginCapture();
            began = true;
            step.run();
            exec = ctx.device.endCapture();
        } catch (RuntimeException e) {
            if (began && exec == null) {
                ctx.device.abortCapture();
            }
            ctx.setCapturing(false);
            List<CudaAllocator.Block> blocks = ctx.allocator.endCapture(owner);
            ctx.allocator.releaseGraph(owner, blocks);
            throw e;
        }
        ctx.setCapturing(false);
        return new CudaGraph(ctx, exec, owner, ctx.allocator.endCapture(owner));
    }
}
