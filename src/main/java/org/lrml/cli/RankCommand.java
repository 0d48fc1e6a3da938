package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.mining.Ranking;
import org.lrml.backend.DType;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml rank}: top-k or bottom-k of each row of a score matrix given as an .npy file. */
@Command(name = "rank", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Select the k largest (or, with --bottom, the k smallest) scores of each",
                "row of S (n x m). Writes DIR/indices.npy (int64, n x k, column indices)",
                "and DIR/values.npy (n x k, S's dtype), best first. Ties go to the lower",
                "column index; NaN is never selected; a row with fewer than k eligible",
                "columns gets index -1 and value NaN in its empty slots. Labels restrict",
                "the columns a row may select (--rule same: its own label only; different:",
                "other labels only); --exclude-self skips the column whose global index",
                "equals the row's.", ""},
        footer = {"", "Example:",
                "  lrml rank --similarity S.npy --k 5 --out r/ \\",
                "            --row-labels q.npy --col-labels db.npy --rule different"})
final class RankCommand implements Callable<Integer> {

    @Option(names = "--similarity", required = true, paramLabel = "S.npy",
            description = "Scores S, n x m, float32 or float64 (e.g. similarities of queries to a database).")
    Path similarity;

    @Option(names = "--k", required = true, paramLabel = "K",
            description = "Entries per row, >= 1; may exceed m (the extra slots are empty).")
    int k;

    @Option(names = "--bottom", description = "Select the smallest scores instead of the largest (default: largest).")
    boolean bottom;

    @Option(names = "--row-labels", paramLabel = "A.npy", description = "Label of each row: int32 or int64, length n.")
    Path rowLabels;

    @Option(names = "--col-labels", paramLabel = "B.npy", description = "Label of each column: int32 or int64, length m.")
    Path colLabels;

    @Option(names = "--rule", defaultValue = "any", paramLabel = "RULE",
            description = "any, same or different (default: ${DEFAULT-VALUE}); same and different need both label files.")
    String rule;

    @Option(names = "--exclude-self", description = "Skip the column whose global index equals the row's global index.")
    boolean excludeSelf;

    @Option(names = "--row-offset", defaultValue = "0", paramLabel = "R",
            description = "Global index of row 0, when S is a block of a larger matrix (default: ${DEFAULT-VALUE}).")
    long rowOffset;

    @Option(names = "--col-offset", defaultValue = "0", paramLabel = "C",
            description = "Global index of column 0; indices.npy reports global columns (default: ${DEFAULT-VALUE}).")
    long colOffset;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if missing) for indices.npy and values.npy.")
    Path out;

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "cpu or cuda (default: ${DEFAULT-VALUE}); cuda holds float32 only.")
    String backend;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new UserError("--k must be at least 1, got " + k);
        }
        LabelRule labelRule = parseRule(rule);
        if (rowOffset < 0 || colOffset < 0) {
            throw new UserError((rowOffset < 0 ? "--row-offset " + rowOffset : "--col-offset " + colOffset)
                    + ": offsets are global indices and must be >= 0");
        }
        OutputPaths.requireFolder(out, "--out");
        NpyArray s = Npy.read(similarity);
        if (!s.isFloat()) {
            throw new UserError(similarity + ": S must be float32 or float64, got " + s.type().numpyName());
        }
        if (s.shape().length != 2) {
            throw new UserError(similarity + ": S must be a 2-D array n x m, got shape " + Arrays.toString(s.shape()));
        }
        int n = s.shape()[0];
        int m = s.shape()[1];
        requireIndicesFit("--row-offset", rowOffset, n, "rows");
        requireIndicesFit("--col-offset", colOffset, m, "columns");
        Ranking ranking = bottom ? Ranking.bottom(k) : Ranking.top(k);
        if (labelRule != LabelRule.ANY) {
            if (rowLabels == null || colLabels == null) {
                throw new UserError("--rule " + rule + " needs both --row-labels and --col-labels");
            }
            ranking.labels(labels(rowLabels, n, "rows"), labels(colLabels, m, "columns"), labelRule);
        } else if (rowLabels != null || colLabels != null) {
            throw new UserError("--row-labels/--col-labels are used only with --rule same or --rule different");
        }
        if (excludeSelf) {
            ranking.excludeSelf();
        }
        ranking.offsets(rowOffset, colOffset);
        Backend b = Backends.byName(backend);
        if (s.type() == NpyArray.Type.F8 && !b.supports(DType.F64)) {
            throw new UserError(similarity + ": float64 S needs --backend cpu (the " + b.name()
                    + " backend holds float32 only); or save S as float32");
        }
        RankResult r = ranking.of(s.toTensor(b));
        double[] v = r.values();
        NpyArray values;
        if (s.type() == NpyArray.Type.F4) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            values = NpyArray.of(f, n, k);
        } else {
            values = NpyArray.of(v, n, k);
        }
        Files.createDirectories(out);
        // indices and values belong together: written as one set (neither replaced unless both were written).
        Map<Path, AtomicFiles.Body> set = new LinkedHashMap<>();
        set.put(out.resolve("values.npy"), o -> Npy.write(o, values));
        NpyArray indices = NpyArray.of(r.indices(), n, k);
        set.put(out.resolve("indices.npy"), o -> Npy.write(o, indices));
        AtomicFiles.writeSet(set);
        long empty = Arrays.stream(r.indices()).filter(i -> i < 0).count();
        System.out.printf(Locale.ROOT, "%s-%d of %d x %d %s (rule %s%s) on %s: %d empty slots -> %s, %s%n",
                bottom ? "bottom" : "top", k, n, m, s.type().numpyName(), labelRule.name().toLowerCase(Locale.ROOT),
                excludeSelf ? ", self excluded" : "", b.name(), empty, out.resolve("indices.npy"), out.resolve("values.npy"));
        return 0;
    }

    /** The global indices offset .. offset + count - 1 must not pass Long.MAX_VALUE (they would wrap negative). */
    private static void requireIndicesFit(String flag, long offset, int count, String what) {
        if (count > 0 && offset > Long.MAX_VALUE - (count - 1)) {
            throw new UserError(flag + " " + offset + ": with " + count + " " + what + " the global indices would pass "
                    + Long.MAX_VALUE + " (the largest int64)");
        }
    }

    private static LabelRule parseRule(String r) {
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "any" -> LabelRule.ANY;
            case "same" -> LabelRule.SAME;
            case "different" -> LabelRule.DIFFERENT;
            default -> throw new UserError("unknown --rule '" + org.lrml.io.Printable.of(r) + "': expected any, same or"
                    + " different");
        };
    }

    private static int[] labels(Path file, int expected, String of) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.shape().length != 1 || a.shape()[0] != expected) {
            throw new UserError(file + ": labels of the " + expected + " " + of + " of S must be a 1-D array of length "
                    + expected + ", got shape " + Arrays.toString(a.shape()));
        }
        return a.toInts(file.toString());
    }
}
