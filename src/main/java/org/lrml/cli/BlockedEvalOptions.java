package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import picocli.CommandLine.Option;

/**
 * The options of {@code lrml eval} for databases larger than memory (a picocli mixin, so that {@link EvalCommand}
 * only asks {@link #requested} and hands over to {@link BlockedEval}). Any of them selects blocked evaluation; so
 * does a revisited protocol (roxford5k, rparis6k) given as descriptor files, which only the blocked path reads.
 */
final class BlockedEvalOptions {
    /** In-memory evaluation holds about this many copies of the database (the array, the ranker's transposed copy). */
    private static final int IN_MEMORY_COPIES = 3;

    @Option(names = "--blocked",
            description = "Scan the database in blocks from memory-mapped .npy files (float16, float32 or float64)"
                    + " with the similarity + top-k op, keeping each query's top --keep: for databases larger than"
                    + " memory. Implied by --keep, --distractors and --block-rows.")
    boolean blocked;

    @Option(names = "--keep", paramLabel = "K",
            description = "Blocked mode: items kept per query (default 1000). AP, recall and mAP@R are computed on"
                    + " the kept prefix with junk removed; positives ranked below it count as not retrieved (with K at"
                    + " least the database size the numbers equal the in-memory evaluation exactly).")
    Integer keep;

    @Option(names = "--distractors", paramLabel = "R1M.npy",
            description = "Blocked mode: distractor descriptors (n x d) appended to the database, negatives for every"
                    + " query: roxford5k/rparis6k + R1M as revisitop defines them (also oxford5k, paris6k, holidays"
                    + " and label mode).")
    Path distractors;

    @Option(names = "--block-rows", paramLabel = "N",
            description = "Blocked mode: database rows per block (default: 16 MiB of float32, 2048 rows at d = 2048).")
    Integer blockRows;

    /** Whether the command line asks for the blocked path (then {@link BlockedEval} runs the whole command). */
    boolean requested(EvalCommand c) {
        return blocked || keep != null || distractors != null || blockRows != null
                || (revisited(c.protocol) && c.checkpoint == null && c.queryDescriptors != null);
    }

    /** roxford5k or rparis6k: the protocols whose ground truth alone fixes the rows of descriptor files. */
    static boolean revisited(String protocol) {
        return protocol != null && (protocol.equalsIgnoreCase("roxford5k") || protocol.equalsIgnoreCase("rparis6k"));
    }

    /**
     * Outside blocked mode: refuses a database file that the heap cannot hold, with the way out, instead of an
     * OutOfMemoryError after minutes of reading.
     */
    void checkInMemory(EvalCommand c) throws IOException {
        Path db = c.dbDescriptors != null ? c.dbDescriptors : c.queryDescriptors;
        if (db == null || !Files.isRegularFile(db)) {
            return;
        }
        long bytes = Files.size(db);
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / IN_MEMORY_COPIES) {
            throw new UserError(String.format(Locale.ROOT, "%s is %.2f GiB; evaluating it in memory needs about %d"
                            + " times that and the JVM heap is %.2f GiB: add --blocked (scans it memory-mapped, keeping"
                            + " each query's top --keep 1000) or raise the heap (LRML_JAVA_OPTS=-Xmx...)", db,
                    bytes / 1073741824.0, IN_MEMORY_COPIES, heap / 1073741824.0));
        }
    }
}
