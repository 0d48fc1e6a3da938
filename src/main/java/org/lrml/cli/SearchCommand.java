package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lrml.backend.Backends;
import org.lrml.eval.DescriptorRows;
import org.lrml.index.IndexSearch;
import org.lrml.index.VectorIndex;
import org.lrml.io.AtomicFiles;
import org.lrml.io.MappedNpy;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml search}: the k nearest database rows of each query from an index made by {@code lrml index}. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search an index made by 'lrml index': for each query (n x d .npy) the k database rows",
                "with the largest dot product, approximately (HNSW with a beam of --ef candidates), or with",
                "--rerank the candidates re-scored by lrml's similarity + top-k op: exact search over them",
                "(ties to the lower row). Writes DIR/indices.npy (int64, n x k, database rows, -1 when fewer",
                "than k were found) and DIR/values.npy (float32, n x k, dot products, NaN there), as",
                "'lrml rank' does, and DIR/ids.tsv (one line per query, k ids) when the index has ids.",
                "Several --index folders are the shards of one database: each is searched and the best k",
                "of all are kept (docs/scale-out.md).", ""},
        footer = {"", "Example:", "  lrml search --index db.idx --queries q.npy --k 100 --ef 200 --rerank --out res/"})
final class SearchCommand implements Callable<Integer> {

    @Option(names = "--index", required = true, paramLabel = "IDX",
            description = "Index folder (lrml index --out). Repeat it for the shards of one database (each built with"
                    + " its --row-offset): every shard answers, the best k of all are kept, as a cluster's front end"
                    + " merges them.")
    List<Path> index;

    @Option(names = "--queries", required = true, paramLabel = "Q.npy",
            description = "Query descriptors, n x d: float16, float32 or float64.")
    Path queries;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Results per query, >= 1.")
    int k;

    @Option(names = "--ef", paramLabel = "EF",
            description = "HNSW candidates per query, >= k (default: max(k, 100)); more: higher recall, slower.")
    Integer ef;

    @Option(names = "--rerank", description = "Re-score the --ef candidates exactly with lrml's similarity and keep the best k.")
    boolean rerank;

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "Backend of the re-ranking: cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "N",
            description = "Search the first N queries once before the timed run (the JIT compiles the search first; for"
                    + " latency measurements) (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if missing) for indices.npy, values.npy (and ids.tsv).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new UserError("--k must be at least 1, got " + k);
        }
        int beam = ef == null ? Math.max(k, 100) : ef;
        if (beam < k) {
            throw new UserError("--ef " + beam + " is below --k " + k + ": the search must find at least k candidates");
        }
        List<VectorIndex> shards = new ArrayList<>();
        try (MappedNpy q = MappedNpy.open(queries)) {
            for (Path p : index) {
                shards.add(VectorIndex.open(p));
            }
            if (!q.element().isFloat() || !q.isMatrix() || q.rows() == 0) {
                throw new UserError("--queries " + queries + ": expected a non-empty 2-D float16, float32 or float64"
                        + " array (n x d), found " + q.element().numpyName() + " of shape "
                        + java.util.Arrays.toString(q.shape()));
            }
            for (VectorIndex idx : shards) {
                if (q.cols() != idx.dimension()) {
                    throw new UserError("--queries " + queries + " has dimension " + q.cols() + " but --index "
                            + idx.folder() + " holds " + idx.dimension() + "-dimensional vectors");
                }
            }
            if (warmup < 0) {
                throw new UserError("--warmup must be 0 or more, got " + warmup);
            }
            IndexSearch.Options options = new IndexSearch.Options(k, beam, rerank, Backends.byName(backend));
            DescriptorRows rows = DescriptorRows.mapped(q);
            if (warmup > 0) {
                float[] first = new float[(int) Math.min(warmup, q.rows()) * q.cols()];
                rows.read(0, first.length / q.cols(), first, 0);
                IndexSearch.run(shards, DescriptorRows.of(first, first.length / q.cols(), q.cols()), options);
            }
            IndexSearch.Result r = IndexSearch.run(shards, rows, options);
            int n = r.queries();
            Files.createDirectories(out);
            Npy.write(out.resolve("indices.npy"), NpyArray.of(r.rows(), n, k));
            Npy.write(out.resolve("values.npy"), NpyArray.of(r.values(), n, k));
            if (shards.stream().allMatch(VectorIndex::hasIds)) {
                StringBuilder tsv = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    for (int s = 0; s < k; s++) {
                        int doc = r.docs()[i * k + s];
                        tsv.append(s == 0 ? "" : "\t").append(doc < 0 ? "" : shards.get(r.shards()[i * k + s]).id(doc));
                    }
                    tsv.append('\n');
                }
                AtomicFiles.writeString(out.resolve("ids.tsv"), tsv.toString());
            }
            double[] lat = r.latencyMs();
            System.out.printf(Locale.ROOT, "searched %d queries, k %d, ef %d%s: %.1f s, %.0f queries/s; per query %.2f ms"
                            + " mean, %.2f median, %.2f p99 -> %s%n", n, k, beam, rerank ? ", re-ranked exactly" : "",
                    r.seconds(), n / r.seconds(), lat[0], lat[1], lat[2], out);
        } finally {
            for (VectorIndex idx : shards) {
                idx.close();
            }
        }
        return 0;
    }
}
