package org.lrml.eval;

import org.lrml.backend.RankResult;

/**
 * Each query's best {@code keep} database items so far, while a database is scanned block by block: the ranking op
 * returns every block's own top-keep (similarity descending, ties to the lower global index), and merging two
 * lists sorted by that total order keeps exactly the global top-keep. Selection never does arithmetic on the
 * scores, so the kept lists equal the first keep entries of a full ranking of the whole database, whatever the
 * blocks were.
 */
final class KeptLists {
    private final int rows;
    private final int keep;
    private final float[] values;
    private final int[] items;
    private final int[] sizes;
    private final float[] mergedValues;
    private final int[] mergedItems;

    KeptLists(int rows, int keep) {
        if ((long) rows * keep > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("kept lists: " + rows + " queries x " + keep + " kept items do not fit"
                    + " one array; evaluate fewer queries at a time");
        }
        this.rows = rows;
        this.keep = keep;
        this.values = new float[rows * keep];
        this.items = new int[rows * keep];
        this.sizes = new int[rows];
        this.mergedValues = new float[keep];
        this.mergedItems = new int[keep];
    }

    int keep() {
        return keep;
    }

    /** Whether row r already holds keep items (then only scores above {@link #worst} can change it). */
    boolean full(int r) {
        return sizes[r] == keep;
    }

    /** The keep-th best score of a full row. */
    float worst(int r) {
        return values[r * keep + keep - 1];
    }

    /** Merges one block's ranking (rows x k, best first, index -1 in empty slots) into every row's list. */
    void merge(RankResult block) {
        if (block.rows() != rows) {
            throw new IllegalArgumentException("kept lists: a block ranking of " + block.rows() + " rows for " + rows);
        }
        int k = block.k();
        for (int r = 0; r < rows; r++) {
            int base = r * keep;
            int have = sizes[r];
            int a = 0;
            int b = 0;
            int out = 0;
            int bBase = r * k;
            while (out < keep) {
                boolean aLeft = a < have;
                boolean bLeft = b < k && block.indices()[bBase + b] >= 0;
                if (!aLeft && !bLeft) {
                    break;
                }
                boolean takeA;
                if (!bLeft) {
                    takeA = true;
                } else if (!aLeft) {
                    takeA = false;
                } else {
                    float va = values[base + a];
                    float vb = (float) block.values()[bBase + b];
                    takeA = va > vb || (va == vb && items[base + a] < block.indices()[bBase + b]);
                }
                if (takeA) {
                    mergedValues[out] = values[base + a];
                    mergedItems[out] = items[base + a];
                    a++;
                } else {
                    mergedValues[out] = (float) block.values()[bBase + b];
                    mergedItems[out] = Math.toIntExact(block.indices()[bBase + b]);
                    b++;
                }
                out++;
            }
            System.arraycopy(mergedValues, 0, values, base, out);
            System.arraycopy(mergedItems, 0, items, base, out);
            sizes[r] = out;
        }
    }

    /** Row r's kept list as a ranking (valid until the next merge). */
    RankedList list(int r) {
        int base = r * keep;
        int size = sizes[r];
        return new RankedList() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public int item(int rank) {
                return items[base + rank];
            }

            @Override
            public float score(int rank) {
                return values[base + rank];
            }
        };
    }
}
