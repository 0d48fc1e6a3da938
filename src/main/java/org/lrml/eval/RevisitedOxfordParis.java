package org.lrml.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.lrml.data.BoundingBox;
import org.lrml.io.Pickle;
import org.lrml.io.Printable;

/**
 * Revisited Oxford and Paris (Radenović et al., CVPR 2018) from the official {@code gnd_roxford5k.pkl} /
 * {@code gnd_rparis6k.pkl}: a pickled dict with {@code imlist} (database names), {@code qimlist} (query
 * names) and {@code gnd}, one dict per query with {@code bbx} (x1, y1, x2, y2), {@code easy},
 * {@code hard} and {@code junk} (indices into imlist; lists or numpy arrays). Three setups, spec section 7:
 * <ul>
 * <li>Easy: positives easy; junk = junk + hard;</li>
 * <li>Medium: positives easy + hard; junk = junk;</li>
 * <li>Hard: positives hard; junk = junk + easy.</li>
 * </ul>
 * Oxford-form AP; queries without positives in a setup are skipped in that setup.
 */
public final class RevisitedOxfordParis {
    public static final List<String> SETUPS = List.of("easy", "medium", "hard");

    private RevisitedOxfordParis() {
    }

    /** The Easy, Medium and Hard setups of the ground-truth file, in that order. */
    public static List<Benchmark> load(Path gndPickle, String name) throws IOException {
        Object root = Pickle.read(gndPickle);
        String where = Printable.of(gndPickle.toString(), 400);
        List<String> imlist = Pickle.strings(Pickle.get(root, "imlist", where), where + " imlist");
        List<String> qimlist = Pickle.strings(Pickle.get(root, "qimlist", where), where + " qimlist");
        List<?> gnd = Pickle.list(Pickle.get(root, "gnd", where), where + " gnd");
        if (gnd.size() != qimlist.size()) {
            throw new IOException(where + ": gnd has " + gnd.size() + " entries for " + qimlist.size()
                    + " query images (qimlist)");
        }
        List<List<Benchmark.Query>> perSetup = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int q = 0; q < gnd.size(); q++) {
            String at = where + " gnd[" + q + "] (" + Printable.of(qimlist.get(q)) + ")";
            Object g = gnd.get(q);
            double[] bbx = Pickle.doubles(Pickle.get(g, "bbx", at), at + " bbx");
            if (bbx.length != 4) {
                throw new IOException(at + ": bbx has " + bbx.length + " values, expected x1 y1 x2 y2");
            }
            BoundingBox box;
            try {
                box = new BoundingBox(bbx[0], bbx[1], bbx[2], bbx[3]);
            } catch (IllegalArgumentException e) {
                throw new IOException(at + ": " + e.getMessage(), e);
            }
            int[] easy = checked(Pickle.ints(Pickle.get(g, "easy", at), at + " easy"), imlist.size(), at + " easy");
            int[] hard = checked(Pickle.ints(Pickle.get(g, "hard", at), at + " hard"), imlist.size(), at + " hard");
            int[] junk = checked(Pickle.ints(Pickle.get(g, "junk", at), at + " junk"), imlist.size(), at + " junk");
            String image = qimlist.get(q);
            perSetup.get(0).add(new Benchmark.Query(image, box, easy, union(junk, hard)));
            perSetup.get(1).add(new Benchmark.Query(image, box, union(easy, hard), junk));
            perSetup.get(2).add(new Benchmark.Query(image, box, hard, union(junk, easy)));
        }
        List<Benchmark> out = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            try {
                out.add(new Benchmark(name, SETUPS.get(s), ApForm.OXFORD, imlist, perSetup.get(s)));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static int[] checked(int[] idx, int size, String where) throws IOException {
        for (int i : idx) {
            if (i < 0 || i >= size) {
                throw new IOException(where + ": index " + i + " is outside imlist (" + size + " images)");
            }
        }
        return idx;
    }

    private static int[] union(int[] a, int[] b) {
        Set<Integer> s = new LinkedHashSet<>();
        for (int x : a) {
            s.add(x);
        }
        for (int x : b) {
            s.add(x);
        }
        return OxfordParis.toArray(s);
    }
}
