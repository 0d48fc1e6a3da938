package org.lrml.backend.cuda.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Optim;

/**
 * Launcher of kernels/optim.cu: one launch updates every parameter. The host packs a table of OptimSlot
 * (pointers, length, lr, wd per tensor: 64 bytes each) followed by OptimChunk entries (start, tensor: 16 bytes
 * each), uploads it in one copy, and launches one block per chunk. Default versions: sgd_f32_v1, adam_f32_v1.
 * Each element's update is independent of the chunking, so results do not depend on it.
 */
public final class OptimKernels implements Optim {
    public static final String STEM = "optim";
    public static final KernelRef SGD = KernelRef.of(STEM, "sgd_f32", 1, 1);
    public static final KernelRef ADAM = KernelRef.of(STEM, "adam_f32", 1, 1);
    private static final int BLOCK = 256;
    private static final int SLOT_BYTES = 64;
    private static final int CHUNK_BYTES = 16;
    private static final int MAX_GRID = 65535;

    private final CudaContext ctx;

    public OptimKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void sgd(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd, double momentum, double dampening, boolean nesterov, boolean firstStep) {
        sgdBuffers(CudaStorage.bufs(params), CudaStorage.bufs(grads), CudaStorage.bufs(velocities), lr, wd, momentum, dampening, nesterov, firstStep);
        CudaStorage.keepReachable(params, grads, velocities);
    }

    @Override
    public void adam(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v, double[] lr, double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t) {
        adamBuffers(CudaStorage.bufs(params), CudaStorage.bufs(grads), CudaStorage.bufs(m), CudaStorage.bufs(v), lr, wd, beta1, beta2, eps, decoupled, t);
        CudaStorage.keepReachable(params, grads, m, v);
    }

    /** Elements per chunk: enough chunks to fill the GPU (8 per SM), each between 4 Ki and 1 Mi elements. */
    int chunkSize(long total) {
        long perChunk = total / (8L * Math.max(1, ctx.info().multiprocessors()));
        perChunk = (perChunk + 1023) / 1024 * 1024;
        return (int) Math.max(4096, Math.min(1 << 20, perChunk));
    }

    public void sgdBuffers(List<Buf> params, List<Buf> grads, List<Buf> velocities, double[] lr, double[] wd, double momentum,
                    double dampening, boolean nesterov, boolean firstStep) {
        check("sgdStep", params, grads, lr, wd);
        if (momentum != 0) {
            if (velocities == null || velocities.size() != params.size()) {
                throw new IllegalArgumentException("sgdStep: momentum " + momentum + " needs one velocity per parameter, got "
                        + (velocities == null ? "none" : velocities.size() + " for " + params.size()));
            }
            sameLengths("sgdStep velocity", params, velocities);
        }
        List<Buf> none = null;
        launch(SGD, params, grads, momentum != 0 ? velocities : none, none, lr, wd, args -> args
                .f64("momentum", momentum).f64("dampening", dampening).i32("nesterov", nesterov ? 1 : 0)
                .i32("firstStep", firstStep ? 1 : 0));
    }

    public void adamBuffers(List<Buf> params, List<Buf> grads, List<Buf> m, List<Buf> v, double[] lr, double[] wd,
                     double beta1, double beta2, double eps, boolean decoupled, long t) {
        check("adamStep", params, grads, lr, wd);
        if (m == null || v == null || m.size() != params.size() || v.size() != params.size()) {
            throw new IllegalArgumentException("adamStep: needs first and second moments for each of the " + params.size()
                    + " parameters");
        }
        if (t < 1) {
            throw new IllegalArgumentException("adamStep: step t is 1-based, got " + t);
        }
        sameLengths("adamStep first moment", params, m);
        sameLengths("adamStep second moment", params, v);
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        launch(ADAM, params, grads, m, v, lr, wd, args -> args.f64("beta1", beta1).f64("beta2", beta2).f64("eps", eps)
                .i32("decoupled", decoupled ? 1 : 0).f64("bc1", bc1).f64("bc2", bc2));
    }

    private interface Scalars {
        KernelArgs add(KernelArgs args);
    }

    private void launch(KernelRef kernel, List<Buf> params, List<Buf> grads, List<Buf> s1, List<Buf> s2, double[] lr,
                        double[] wd, Scalars scalars) {
        long total = 0;
        for (Buf p : params) {
            total += p.length();
        }
        if (total == 0) {
            return;
        }
        int chunkSize = chunkSize(total);
        long chunks = 0;
        for (Buf p : params) {
            chunks += (p.length() + chunkSize - 1) / chunkSize;
        }
        if (chunks > Integer.MAX_VALUE / CHUNK_BYTES) {
            throw new IllegalArgumentException("optimiser step over " + total + " elements needs too many chunks");
        }
        int t = params.size();
        ByteBuffer table = ByteBuffer.allocate(t * SLOT_BYTES + (int) chunks * CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t; i++) {
            table.putLong(params.get(i).address()).putLong(grads.get(i).address())
                    .putLong(s1 == null ? 0 : s1.get(i).address()).putLong(s2 == null ? 0 : s2.get(i).address())
                    .putLong(params.get(i).length()).putDouble(lr[i]).putDouble(wd[i]).putLong(0);
        }
        for (int i = 0; i < t; i++) {
            for (long start = 0; start < params.get(i).length(); start += chunkSize) {
                table.putLong(start).putInt(i).putInt(0);
            }
        }
        try (CudaContext.Scratch s = ctx.upload(table.array(), kernel.kernel() + ": table of " + t + " tensors")) {
            KernelArgs args = new KernelArgs().ptr("slots", s.address()).ptr("chunks", s.address() + (long) t * SLOT_BYTES)
                    .i32("nChunks", (int) chunks).i32("chunkSize", chunkSize);
            ctx.launch(ctx.function(kernel), (int) Math.min(chunks, MAX_GRID), 1, 1, BLOCK, 1, 1, 0, scalars.add(args));
        }
    }

    private static void check(String op, List<Buf> params, List<Buf> grads, double[] lr, double[] wd) {
        if (grads.size() != params.size() || lr.length != params.size() || wd.length != params.size()) {
            throw new IllegalArgumentException(op + ": " + params.size() + " parameters but " + grads.size() + " gradients, "
                    + lr.length + " learning rates and " + wd.length + " weight decays");
        }
        sameLengths(op + " gradient", params, grads);
    }

    private static void sameLengths(String what, List<Buf> params, List<Buf> other) {
        for (int i = 0; i < params.size(); i++) {
            if (other.get(i).length() != params.get(i).length()) {
                throw new IllegalArgumentException(what + " " + i + ": " + other.get(i) + " does not match parameter "
                        + params.get(i));
            }
        }
    }
}
