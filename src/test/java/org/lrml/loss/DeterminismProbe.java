package org.lrml.loss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.backend.LossSpec;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * A SHA-256 of the bits of fused losses, their dX (float32 and float64, sizes that cross every chunk
 * boundary) and a ranking; run in this JVM or in a fresh one with another thread count, the digests must agree.
 */
public final class DeterminismProbe {
    private DeterminismProbe() {
    }

    public static void main(String[] args) {
        System.out.println(digest());
    }

    static String digest() {
        return digest(42);
    }

    static String digest(long seed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Rng rng = new Rng(seed);
            int n = 1013;
            int d = 37;
            double[] x = TupleLossTest.rows(rng, n, d, 1.0);
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                xf[i] = (float) x[i];
            }
            Tuples t = TupleLossTest.tuples(rng, n, 3001, 5, false);
            LossSpec[] specs = {LossSpec.lrml().withDelta(0.05).withMu(0.5), LossSpec.contrastive(0.7), LossSpec.triplet(0.1)};
            for (LossSpec spec : specs) {
                for (Tensor xt : new Tensor[]{Tensor.of(Backends.cpu(), x, n, d), Tensor.of(Backends.cpu(), xf, n, d)}) {
                    TupleLoss.Result r = TupleLoss.compute(xt, t, spec, true);
                    ByteBuffer b = ByteBuffer.allocate(8).putDouble(r.loss());
                    md.update(b.array());
                    for (double g : r.grad().toDoubleArray()) {
                        md.update(ByteBuffer.allocate(8).putDouble(g).array());
                    }
                }
            }
            Tensor q = Tensor.of(Backends.cpu(), xf, n, d);
            RankResult rr = Ranking.top(17).excludeSelf().similarity(q, q);
            for (int i = 0; i < rr.indices().length; i++) {
                md.update(ByteBuffer.allocate(16).putLong(rr.indices()[i]).putDouble(rr.values()[i]).array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digest printed by a fresh JVM running with the given CPU thread count. */
    static String inFreshJvm(int threads) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-Dlrml.cpu.threads=" + threads, "-cp", System.getProperty("java.class.path"),
                DeterminismProbe.class.getName());
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("probe JVM failed: " + new String(out, StandardCharsets.UTF_8));
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return text.substring(text.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            throw new IllegalStateException("could not start a probe JVM: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
