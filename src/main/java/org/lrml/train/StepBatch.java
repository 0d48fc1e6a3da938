package org.lrml.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.loss.Tuples;

/**
 * The tuples of one optimiser step, renumbered over the step's distinct images (first appearance order), so
 * every image of the step goes through the network once.
 *
 * @param images the step's distinct rows of the training set
 * @param tuples the step's tuples as positions in {@code images}
 */
record StepBatch(int[] images, Tuples tuples) {
    /** Tuples {@code order[from] .. order[to - 1]} of {@code all}. */
    static StepBatch of(Tuples all, int[] order, int from, int to) {
        int w = all.width();
        int[] table = new int[(to - from) * w];
        Map<Integer, Integer> local = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            int t = order[i];
            for (int c = 0; c < w; c++) {
                int g = all.table()[t * w + c];
                Integer li = local.get(g);
                if (li == null) {
                    li = local.size();
                    local.put(g, li);
                }
                table[(i - from) * w + c] = li;
            }
        }
        int[] images = local.keySet().stream().mapToInt(Integer::intValue).toArray();
        return new StepBatch(images, Tuples.of(table, to - from, all.k()));
    }
}
