package org.lrml.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lrml.eval.DescriptorRows;
import org.lrml.index.VectorIndexBuilder;
import org.lrml.index.WideHnswVectorsFormat;
import org.lrml.io.MappedNpy;
import org.lrml.report.ProgressBar;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml index}: an HNSW vector index in Lucene's format from a descriptor file. */
@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build an HNSW vector index in Lucene 9.12's format from descriptors (n x d .npy, float16,",
                "float32 or float64, read memory-mapped). One document per row: the vector, the row number",
                "(doc values) and the id from --ids. Unit rows are compared by DOT_PRODUCT, others by",
                "MAXIMUM_INNER_PRODUCT: both rank by the dot product, as lrml's similarity does. Dimensions",
                "above Lucene's 1024 (up to " + WideHnswVectorsFormat.MAX_DIMENSIONS + ") use the format "
                        + WideHnswVectorsFormat.NAME + " (Lucene99 HNSW files,",
                "a raised limit); up to 1024 any Lucene 9.12 reader opens the index. Built in a hidden",
                "folder beside IDX and renamed into place when complete. Search it with 'lrml search';",
                "serving it from a cluster: docs/scale-out.md.", ""},
        footer = {"", "Example:", "  lrml index --descriptors db.npy --ids names.txt --out db.idx"})
final class IndexCommand implements Callable<Integer> {

    @Option(names = "--descriptors", required = true, paramLabel = "X.npy",
            description = "Database descriptors, n x d: float16, float32 or float64.")
    Path descriptors;

    @Option(names = "--ids", paramLabel = "IDS.txt",
            description = "One id per line (UTF-8), one line per row of X.npy; stored with each document.")
    Path ids;

    @Option(names = "--out", required = true, paramLabel = "IDX", description = "The index folder to create.")
    Path out;

    @Option(names = "--m", defaultValue = "16", paramLabel = "M",
            description = "HNSW links per node (2M on the bottom layer, as faiss's M) (default: ${DEFAULT-VALUE}).")
    int maxConn;

    @Option(names = "--ef-construction", defaultValue = "100", paramLabel = "EF",
            description = "Beam width while linking (Lucene's beamWidth) (default: ${DEFAULT-VALUE}).")
    int beamWidth;

    @Option(names = "--threads", paramLabel = "N",
            description = "Indexing threads and merge workers (default: the number of cores).")
    Integer threads;

    @Option(names = "--row-offset", defaultValue = "0", paramLabel = "R",
            description = "Added to every row number: the first global row of this shard of a larger database"
                    + " (docs/scale-out.md) (default: ${DEFAULT-VALUE}).")
    long rowOffset;

    @Option(names = "--overwrite", description = "Replace IDX if it exists (the old index stays until the new one is complete).")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        VectorIndexBuilder.Options options;
        try {
            options = new VectorIndexBuilder.Options(maxConn, beamWidth, t, null, overwrite, rowOffset);
        } catch (IllegalArgumentException e) {
            throw new UserError("--m/--ef-construction/--threads/--row-offset: " + e.getMessage());
        }
        try (MappedNpy x = MappedNpy.open(descriptors)) {
            if (!x.element().isFloat() || !x.isMatrix() || x.rows() == 0 || x.cols() == 0) {
                throw new UserError("--descriptors " + descriptors + ": expected a non-empty 2-D float16, float32 or"
                        + " float64 array (n x d), found " + x.element().numpyName() + " of shape "
                        + java.util.Arrays.toString(x.shape()));
            }
            List<String> idList = ids == null ? null : readIds(ids, x.rows());
            if (Files.exists(out) && !overwrite && !isEmptyFolder(out)) {
                throw new UserError("--out " + out + " already exists; choose another folder or add --overwrite");
            }
            ProgressBar bar = new ProgressBar("index", x.rows());
            VectorIndexBuilder.Summary s = VectorIndexBuilder.build(DescriptorRows.mapped(x), idList, out, options,
                    (done, total) -> bar.set(done));
            bar.finish();
            System.out.printf(Locale.ROOT, "indexed %d descriptors of %d dimensions (%s, %s, M %d, efConstruction %d,"
                            + " %d threads) in %.1f s -> %s%n", s.rows(), s.dimension(), s.similarity(), s.format(),
                    maxConn, beamWidth, t, s.seconds(), out);
        }
        return 0;
    }

    private static List<String> readIds(Path file, long rows) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError("--ids " + file + ": no such file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() != rows) {
            throw new UserError("--ids " + file + " has " + lines.size() + " lines for " + rows + " descriptors");
        }
        return lines;
    }

    private static boolean isEmptyFolder(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
