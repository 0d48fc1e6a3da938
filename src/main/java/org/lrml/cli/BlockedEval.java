package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.eval.Benchmark;
import org.lrml.eval.BenchmarkDescriptors;
import org.lrml.eval.BenchmarkItemRelevance;
import org.lrml.eval.BlockedEvaluation;
import org.lrml.eval.DescriptorRows;
import org.lrml.eval.EvalResult;
import org.lrml.eval.ExtractorSource;
import org.lrml.eval.LabelItemRelevance;
import org.lrml.eval.Protocols;
import org.lrml.eval.RevisitedOxfordParis;
import org.lrml.io.AtomicFiles;
import org.lrml.io.MappedNpy;
import org.lrml.report.MetricsJson;
import org.lrml.report.ProgressBar;

/**
 * {@code lrml eval} in blocked mode ({@link BlockedEvalOptions}): builds the queries, the database (memory-mapped
 * files, optionally followed by distractors) and the ground truth of one of three inputs, runs
 * {@link BlockedEvaluation}, prints the summaries and writes metrics.json with a {@code scan} entry that says what
 * was kept and scanned.
 * <ul>
 * <li>labels: --query-descriptors/--query-labels with --db-descriptors/--db-labels or --exclude-self;</li>
 * <li>a revisited protocol from descriptor files: --protocol roxford5k|rparis6k --dataset DIR (its gnd pickle)
 * --query-descriptors Q.npy (rows in qimlist order) --db-descriptors X.npy (rows in imlist order);</li>
 * <li>an image benchmark described by a network: --protocol NAME --dataset DIR --checkpoint FILE.</li>
 * </ul>
 */
final class BlockedEval {
    private BlockedEval() {
    }

    /** What one blocked run ranks and scores. */
    private record Job(DescriptorRows queries, DescriptorRows database, List<BlockedEvaluation.Setup> setups,
                       long distractors) {
    }

    static Integer run(EvalCommand c, BlockedEvalOptions o) throws IOException {
        int keep = o.keep == null ? BlockedEvaluation.DEFAULT_KEEP : o.keep;
        if (keep < 1) {
            throw new UserError("--keep must be at least 1, got " + keep);
        }
        if (o.blockRows != null && o.blockRows < 1) {
            throw new UserError("--block-rows must be at least 1, got " + o.blockRows);
        }
        if (c.pipeline.whitening != null || c.pipeline.dbaK > 0 || c.qeK > 0) {
            throw new UserError("--whitening, --dba and --qe are not applied in blocked mode: whiten the descriptor files"
                    + " first (lrml extract --whitening DIR) and evaluate those");
        }
        Backend backend = Backends.byName(c.backend);
        List<MappedNpy> open = new ArrayList<>();
        try {
            Job job = c.protocol != null ? protocolJob(c, o, open) : labelJob(c, o, open);
            BlockedEvaluation.Options options = new BlockedEvaluation.Options(keep,
                    o.blockRows == null ? 0 : o.blockRows, backend);
            ProgressBar bar = new ProgressBar("scan", job.database().size());
            List<EvalResult> results = BlockedEvaluation.evaluate(job.queries(), job.database(), job.setups(), options,
                    (rows, total) -> bar.set(rows * job.database().size() / Math.max(1, total)));
            bar.finish();
            for (EvalResult r : results) {
                System.out.println(r.summary());
            }
            Map<String, Object> scan = new LinkedHashMap<>();
            scan.put("keep", (int) Math.min(keep, job.database().size()));
            scan.put("block_rows", o.blockRows == null ? "default" : o.blockRows);
            scan.put("backend", backend.name());
            scan.put("database", job.database().describe());
            scan.put("distractors", job.distractors());
            Map<String, Object> doc = MetricsJson.toMap(results);
            doc.put("scan", scan);
            Path file = c.out.resolve("metrics.json");
            AtomicFiles.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(doc) + "\n");
            System.out.println("wrote " + file);
            return 0;
        } finally {
            for (MappedNpy m : open) {
                m.close();
            }
        }
    }

    private static Job labelJob(EvalCommand c, BlockedEvalOptions o, List<MappedNpy> open) throws IOException {
        if (c.checkpoint != null || c.dataset != null) {
            throw new UserError("--checkpoint and --dataset go with --protocol");
        }
        if (c.queryDescriptors == null || c.queryLabels == null) {
            throw new UserError("blocked evaluation needs --query-descriptors with --query-labels, or --protocol");
        }
        if ((c.dbDescriptors == null) != (c.dbLabels == null)) {
            throw new UserError("give --db-descriptors and --db-labels together");
        }
        if (c.dbDescriptors == null && !c.excludeSelf) {
            throw new UserError("no database: give --db-descriptors and --db-labels, or --exclude-self to rank the"
                    + " queries against each other (leave-one-out)");
        }
        if (c.dbDescriptors != null && c.excludeSelf) {
            throw new UserError("--exclude-self means the queries are the database; leave out --db-descriptors and"
                    + " --db-labels");
        }
        DescriptorRows q = descriptors(c.queryDescriptors, "--query-descriptors", open);
        int[] ql = labels(c.queryLabels, "--query-labels", q.size(), c.queryDescriptors, open);
        DescriptorRows x = c.dbDescriptors == null ? q : descriptors(c.dbDescriptors, "--db-descriptors", open);
        int[] xl = c.dbDescriptors == null ? ql : labels(c.dbLabels, "--db-labels", x.size(), c.dbDescriptors, open);
        sameDim(q, "--query-descriptors", x, "--db-descriptors");
        DescriptorRows db = withDistractors(x, o, open);
        String name = c.excludeSelf ? "descriptors (leave-one-out)" : "descriptors";
        if (o.distractors != null) {
            name += "+distractors";
        }
        return new Job(q, db, List.of(new BlockedEvaluation.Setup(name, "", org.lrml.eval.ApForm.STANDARD,
                new LabelItemRelevance(ql, xl, c.excludeSelf, db.size()))), db.size() - x.size());
    }

    private static Job protocolJob(EvalCommand c, BlockedEvalOptions o, List<MappedNpy> open) throws IOException {
        Protocols.Protocol p;
        try {
            p = Protocols.Protocol.parse(c.protocol);
        } catch (IllegalArgumentException e) {
            throw new UserError("--protocol: " + e.getMessage());
        }
        if (p.isFashionMnist()) {
            throw new UserError("--protocol " + p.cliName() + ": blocked evaluation runs the image benchmarks and"
                    + " descriptor files; Fashion-MNIST fits in memory (leave out --blocked, --keep, --distractors)");
        }
        if (c.dataset == null) {
            throw new UserError("--protocol " + p.cliName() + " needs --dataset DIR (its ground truth)");
        }
        if (c.queryLabels != null || c.dbLabels != null || c.excludeSelf) {
            throw new UserError("--query-labels, --db-labels and --exclude-self belong to label mode, not to --protocol");
        }
        List<Benchmark> setups;
        DescriptorRows q;
        DescriptorRows x;
        if (c.checkpoint != null) {
            if (c.queryDescriptors != null || c.dbDescriptors != null) {
                throw new UserError("choose --checkpoint (describe the images) or --query-descriptors/--db-descriptors"
                        + " (descriptors made elsewhere), not both");
            }
            if (!Files.isRegularFile(c.checkpoint)) {
                throw new UserError("--checkpoint " + c.checkpoint + ": no such file");
            }
            Protocols.ImageBenchmark b = Protocols.imageBenchmark(p, c.dataset);
            setups = b.setups();
            ExtractorSource source = new ExtractorSource(b.images(), c.loadExtractor());
            ProgressBar bar = new ProgressBar("describe " + p.cliName(), setups.get(0).database().size()
                    + setups.get(0).queries().size());
            BenchmarkDescriptors described = BenchmarkDescriptors.describe(setups.get(0), source,
                    (done, total) -> bar.set(done));
            bar.finish();
            q = DescriptorRows.of(described.queries(), described.n(), described.d());
            x = DescriptorRows.of(described.database(), described.m(), described.d());
        } else {
            if (p != Protocols.Protocol.ROXFORD5K && p != Protocols.Protocol.RPARIS6K) {
                throw new UserError("--protocol " + p.cliName() + " from descriptor files: only roxford5k and rparis6k"
                        + " (their gnd pickle fixes the row order: imlist, qimlist); describe " + p.cliName()
                        + " with --checkpoint");
            }
            if (c.queryDescriptors == null || c.dbDescriptors == null) {
                throw new UserError("--protocol " + p.cliName() + " needs --checkpoint FILE, or --query-descriptors"
                        + " (rows in qimlist order) and --db-descriptors (rows in imlist order)");
            }
            Path gnd = Files.isDirectory(c.dataset) ? c.dataset.resolve("gnd_" + p.cliName() + ".pkl") : c.dataset;
            if (!Files.isRegularFile(gnd)) {
                throw new UserError("--dataset " + c.dataset + ": no " + gnd.getFileName() + " (the revisited ground"
                        + " truth from the revisitop distribution)");
            }
            setups = RevisitedOxfordParis.load(gnd, p.cliName());
            q = descriptors(c.queryDescriptors, "--query-descriptors", open);
            x = descriptors(c.dbDescriptors, "--db-descriptors", open);
            rowsMatch(q, "--query-descriptors", setups.get(0).queries().size(), gnd + " qimlist");
            rowsMatch(x, "--db-descriptors", setups.get(0).database().size(), gnd + " imlist");
            sameDim(q, "--query-descriptors", x, "--db-descriptors");
        }
        DescriptorRows db = withDistractors(x, o, open);
        List<BlockedEvaluation.Setup> scored = new ArrayList<>();
        for (Benchmark b : setups) {
            String name = o.distractors == null ? b.name() : b.name() + "+distractors";
            scored.add(new BlockedEvaluation.Setup(name, b.setup(), b.apForm(), new BenchmarkItemRelevance(b, db.size())));
        }
        return new Job(q, db, scored, db.size() - x.size());
    }

    private static DescriptorRows withDistractors(DescriptorRows x, BlockedEvalOptions o, List<MappedNpy> open)
            throws IOException {
        if (o.distractors == null) {
            return x;
        }
        DescriptorRows d = descriptors(o.distractors, "--distractors", open);
        sameDim(x, "the database", d, "--distractors");
        return DescriptorRows.concat(x, d);
    }

    private static DescriptorRows descriptors(Path file, String option, List<MappedNpy> open) throws IOException {
        MappedNpy m = MappedNpy.open(file);
        open.add(m);
        if (!m.element().isFloat() || !m.isMatrix()) {
            throw new UserError(option + " " + file + ": descriptors must be a 2-D float16, float32 or float64 array"
                    + " (n x d), found " + m.element().numpyName() + " of shape " + java.util.Arrays.toString(m.shape()));
        }
        if (m.rows() == 0 || m.cols() == 0) {
            throw new UserError(option + " " + file + ": empty descriptor array of shape "
                    + java.util.Arrays.toString(m.shape()));
        }
        return DescriptorRows.mapped(m);
    }

    private static int[] labels(Path file, String option, long rows, Path descriptors, List<MappedNpy> open)
            throws IOException {
        MappedNpy m = MappedNpy.open(file);
        open.add(m);
        int[] shape = m.shape();
        if (m.element().isFloat() || !(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
            throw new UserError(option + " " + file + ": labels must be a 1-D int32 or int64 array (n), found "
                    + m.element().numpyName() + " of shape " + java.util.Arrays.toString(shape));
        }
        if (m.rows() != rows) {
            throw new UserError(option + " " + file + " holds " + m.rows() + " labels but " + descriptors + " holds "
                    + rows + " descriptors");
        }
        int[] out = new int[(int) rows];
        long[] chunk = new long[1 << 16];
        for (int at = 0; at < rows; at += chunk.length) {
            int n = (int) Math.min(chunk.length, rows - at);
            m.readLongs(at, n, chunk, 0);
            for (int i = 0; i < n; i++) {
                if (chunk[i] < Integer.MIN_VALUE || chunk[i] > Integer.MAX_VALUE) {
                    throw new UserError(option + " " + file + ": label " + chunk[i] + " at index " + (at + i)
                            + " does not fit a 32-bit label");
                }
                out[at + i] = (int) chunk[i];
            }
        }
        return out;
    }

    private static void sameDim(DescriptorRows a, String aName, DescriptorRows b, String bName) {
        if (a.dim() != b.dim()) {
            throw new UserError(bName + " " + b.describe() + " has dimension " + b.dim() + " but " + aName + " "
                    + a.describe() + " has " + a.dim());
        }
    }

    private static void rowsMatch(DescriptorRows rows, String option, int expected, String what) {
        if (rows.size() != expected) {
            throw new UserError(option + " " + rows.describe() + " holds " + rows.size() + " descriptors but " + what
                    + " lists " + expected + " images");
        }
    }
}
