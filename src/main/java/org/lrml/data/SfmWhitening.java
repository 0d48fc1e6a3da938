package org.lrml.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.lrml.io.Pickle;

/**
 * The whitening set of retrieval-SfM-120k as cirtorch distributes it ({@code retrieval-SfM-120k-whiten.pkl}): a
 * pickled dict with {@code cids} (image ids), {@code qidxs} and {@code pidxs} (matching query and positive indices
 * into cids). An image id's file lies at {@code <ims>/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>} (no extension in
 * the distribution; a .jpg or .png next to that name is taken as well).
 */
public record SfmWhitening(List<String> cids, int[] queries, int[] positives) {

    public static SfmWhitening read(Path pkl) throws IOException {
        Object root = Pickle.read(pkl);
        String where = pkl.toString();
        List<String> cids = Pickle.strings(Pickle.get(root, "cids", where), where + " cids");
        int[] q = Pickle.ints(Pickle.get(root, "qidxs", where), where + " qidxs");
        int[] p = Pickle.ints(Pickle.get(root, "pidxs", where), where + " pidxs");
        if (q.length != p.length || q.length == 0) {
            throw new IOException(where + ": " + q.length + " qidxs and " + p.length + " pidxs; expected as many"
                    + " matching pairs, at least one");
        }
        for (int[] idx : new int[][]{q, p}) {
            for (int i : idx) {
                if (i < 0 || i >= cids.size()) {
                    throw new IOException(where + ": index " + i + " is outside cids (" + cids.size() + " images)");
                }
            }
        }
        return new SfmWhitening(cids, q, p);
    }

    /**
     * Where cirtorch's cid2filename puts an image id below the ims folder,
     * {@code <ims>/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>}, whether or not the file exists.
     */
    public static Path expectedPath(Path ims, String cid) throws IOException {
        if (cid.length() < 6) {
            throw new IOException("SfM image id '" + cid + "' is shorter than 6 characters");
        }
        return ims.resolve(cid.substring(cid.length() - 2)).resolve(cid.substring(cid.length() - 4, cid.length() - 2))
                .resolve(cid.substring(cid.length() - 6, cid.length() - 4)).resolve(cid);
    }

    /** The file of an image id below the ims folder; the error names the id and where it was looked for. */
    public static Path imagePath(Path ims, String cid) throws IOException {
        Path dir = expectedPath(ims, cid).getParent();
        for (String ext : new String[]{"", ".jpg", ".png"}) {
            Path f = dir.resolve(cid + ext);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IOException("SfM image " + cid + " not found at " + dir.resolve(cid) + " (cirtorch's layout"
                + " ims/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>)");
    }
}
