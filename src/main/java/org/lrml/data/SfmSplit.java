package org.lrml.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One split ({@code train} or {@code val}) of an SfM-120k-format data set: its images, the 3D-reconstruction
 * cluster of each, and the matching (query, positive) pairs, with every image's file resolved.
 *
 * @param name      "train" or "val"
 * @param cids      image ids, by row
 * @param clusters  cluster of each image, by row
 * @param queries   query row of each pair
 * @param positives positive row of each pair (same cluster as its query)
 * @param files     file of each image, by row
 */
public record SfmSplit(String name, List<String> cids, int[] clusters, int[] queries, int[] positives,
                       List<Path> files) {
    public SfmSplit {
        cids = List.copyOf(cids);
        files = List.copyOf(files);
    }

    /** Number of images. */
    public int size() {
        return cids.size();
    }

    /** Number of (query, positive) pairs. */
    public int pairs() {
        return queries.length;
    }
}
