package org.lrml.bench.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.index.Recall;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.mining.Ranking;
import org.lrml.tensor.Tensor;

/**
 * The reference of bench/index/run.sh: the engine's exact top-k of DIR/q.npy over DIR/x.npy (similarity + top-k,
 * CPU, timed; written to DIR/exact/indices.npy), then recall@1, @10 and @K of every result folder given (each
 * holding an indices.npy of queries x K rows, from lrml search or the faiss peer), one JSON line each.
 *
 * <pre>java -cp $(bench/classpath.sh) org.lrml.bench.index.RecallCheck DIR K RESULT_DIR...</pre>
 */
public final class RecallCheck {
    private RecallCheck() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int k = Integer.parseInt(args[1]);
        NpyArray x = Npy.read(dir.resolve("x.npy"));
        NpyArray q = Npy.read(dir.resolve("q.npy"));
        int m = x.shape()[0];
        int n = q.shape()[0];
        int d = x.shape()[1];
        Tensor xt = Tensor.of(Backends.cpu(), x.toFloats(), m, d);
        Tensor qt = Tensor.of(Backends.cpu(), q.toFloats(), n, d);
        Ranking.top(k).similarity(qt, xt); // warm-up
        long t0 = System.nanoTime();
        RankResult exact = Ranking.top(k).similarity(qt, xt);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path exactDir = dir.resolve("exact");
        Files.createDirectories(exactDir);
        Npy.write(exactDir.resolve("indices.npy"), NpyArray.of(exact.indices(), n, k));
        System.out.printf(Locale.ROOT, "{\"result\": \"lrml exact (similarity + top-%d, %d threads)\", \"batch_s\": %.3f,"
                + " \"qps\": %.1f}%n", k, org.lrml.backend.cpu.CpuParallel.THREADS, seconds, n / seconds);
        for (int i = 2; i < args.length; i++) {
            Path f = Path.of(args[i]).resolve("indices.npy");
            NpyArray found = Npy.read(f);
            int fk = found.shape()[1];
            long[] rows = (long[]) found.data();
            System.out.printf(Locale.ROOT, "{\"result\": \"%s\", \"recall@1\": %.4f, \"recall@10\": %.4f,"
                            + " \"recall@%d\": %.4f}%n", args[i], Recall.at(exact, rows, fk, 1),
                    Recall.at(exact, rows, fk, Math.min(10, fk)), fk, Recall.at(exact, rows, fk, Math.min(k, fk)));
        }
    }
}
