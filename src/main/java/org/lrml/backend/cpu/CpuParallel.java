package org.lrml.backend.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.lrml.util.Setting;

/**
 * Parallel loops for the CPU kernels. Work is cut into chunks whose boundaries depend only on the
 * problem size, never on the thread count or timing, and every chunk writes disjoint outputs, so results
 * are bit-for-bit the same with 1 or 64 threads. Nested calls from a worker run inline.
 * Threads: {@code -Dlrml.cpu.threads=N} (default: available processors).
 */
public final class CpuParallel {
    public static final int THREADS = Setting.CPU_THREADS.intValue(Runtime.getRuntime().availableProcessors(), 1);
    private static final ThreadLocal<boolean[]> IN_WORKER = ThreadLocal.withInitial(() -> new boolean[1]);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "lrml-cpu");
        t.setDaemon(true);
        return t;
    }) : null;

    private CpuParallel() {
    }

    /** body.accept(i) for every chunk index i in [0, chunks), in parallel. */
    public static void forChunks(int chunks, IntConsumer body) {
        boolean[] inWorker = IN_WORKER.get();
        if (chunks <= 1 || POOL == null || inWorker[0]) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            boolean[] flag = IN_WORKER.get();
            boolean was = flag[0];
            flag[0] = true;
            try {
                int i;
                while ((i = next.getAndIncrement()) < chunks) {
                    body.accept(i);
                }
            } finally {
                flag[0] = was;
            }
        };
        int helpers = Math.min(THREADS - 1, chunks - 1);
        Future<?>[] fs = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            fs[h] = POOL.submit(worker);
        }
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CPU workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Range body over [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** body over [0, n) in chunks of {@code grain} elements (the last may be shorter). */
    public static void forRange(int n, int grain, RangeBody body) {
        int chunks = (int) ((n + (long) grain - 1) / grain);
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        forChunks(chunks, c -> body.run(c * grain, (int) Math.min(n, (long) (c + 1) * grain)));
    }
}
