package org.lrml.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lrml.io.Pickle;

/**
 * An SfM-120k-format training set as cirtorch distributes it ({@code train/retrieval-SfM-120k/}): the pickle
 * {@code retrieval-SfM-120k.pkl}, a dict with {@code train} and {@code val}, each a dict of {@code cids} (image
 * ids), {@code cluster} (the cluster of each image), {@code qidxs} and {@code pidxs} (query and positive indices
 * into cids), and the images below {@code ims/} at {@code ims/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>}
 * (cirtorch's cid2filename; {@link SfmWhitening#imagePath}).
 *
 * <p>Everything is checked when the set is read, so a broken set fails at once with one line naming the key,
 * index or missing image, not hours into a run.
 *
 * @param dir   the folder holding the pickle and ims/
 * @param train the training split
 * @param val   the validation split (held out: whitening and the run's evaluation)
 */
public record SfmDataset(Path dir, SfmSplit train, SfmSplit val) {
    /** The pickle's name in the folder, as cirtorch names it. */
    public static final String PICKLE = "retrieval-SfM-120k.pkl";

    /** Reads {@code dir/retrieval-SfM-120k.pkl} and resolves every image below {@code dir/ims}. */
    public static SfmDataset read(Path dir) throws IOException {
        Path pkl = dir.resolve(PICKLE);
        if (!Files.isRegularFile(pkl)) {
            throw new IOException("SfM-120k data: " + pkl + " not found (--data must be the folder holding " + PICKLE
                    + " and ims/, cirtorch's train/retrieval-SfM-120k)");
        }
        Path ims = dir.resolve("ims");
        if (!Files.isDirectory(ims)) {
            throw new IOException("SfM-120k data: the image folder " + ims + " is missing");
        }
        Object root = Pickle.read(pkl);
        return new SfmDataset(dir, split(root, "train", pkl, ims), split(root, "val", pkl, ims));
    }

    private static SfmSplit split(Object root, String name, Path pkl, Path ims) throws IOException {
        Object d = Pickle.get(root, name, pkl.toString());
        String where = pkl + " " + name;
        List<String> cids = Pickle.strings(Pickle.get(d, "cids", where), where + " cids");
        int[] clusters = Pickle.ints(Pickle.get(d, "cluster", where), where + " cluster");
        int[] q = Pickle.ints(Pickle.get(d, "qidxs", where), where + " qidxs");
        int[] p = Pickle.ints(Pickle.get(d, "pidxs", where), where + " pidxs");
        if (cids.isEmpty()) {
            throw new IOException(where + ": no images (cids is empty)");
        }
        if (clusters.length != cids.size()) {
            throw new IOException(where + ": " + clusters.length + " cluster entries for " + cids.size() + " cids");
        }
        if (q.length != p.length || q.length == 0) {
            throw new IOException(where + ": " + q.length + " qidxs and " + p.length + " pidxs; expected as many"
                    + " matching pairs, at least one");
        }
        for (int i = 0; i < q.length; i++) {
            for (int idx : new int[]{q[i], p[i]}) {
                if (idx < 0 || idx >= cids.size()) {
                    throw new IOException(where + ": pair " + i + " has index " + idx + ", outside cids ("
                            + cids.size() + " images)");
                }
            }
            if (q[i] == p[i]) {
                throw new IOException(where + ": pair " + i + " matches image " + q[i] + " with itself");
            }
        }
        List<Path> files = new ArrayList<>(cids.size());
        for (String cid : cids) {
            try {
                files.add(SfmWhitening.imagePath(ims, cid));
            } catch (IOException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return new SfmSplit(name, cids, clusters, q, p, files);
    }
}
