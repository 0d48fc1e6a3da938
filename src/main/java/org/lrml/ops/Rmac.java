package org.lrml.ops;

import java.util.ArrayList;
import java.util.List;

import org.lrml.tensor.Tensor;

/**
 * R-MAC pooling (regional maximum activations of convolutions; Tolias, Sicre and Jegou, ICLR 2016), as
 * cirtorch computes it: x (N, C, H, W) -> y (N, C),
 * <pre>
 *   y = n(MAC(x)) + sum over the regions R of n(MAC(x restricted to R)),   n(v) = v / (||v|| + eps)
 * </pre>
 * (not normalised again; the network's L2 normalisation follows). The regions are squares on L levels (3 by
 * default): level l has squares of side w_l = floor(2 min(H, W) / (l + 1)), (l + e_W) of them across and
 * (l + e_H) down, spread evenly from edge to edge (start i = floor(i (W - w_l) / (l + e_W - 1))). The longer
 * side gets e extra regions, e in 1..6 chosen so that neighbouring regions at level 1 overlap by as close to
 * 40% as possible; a square map gets none. Start positions and that choice are computed in float32
 * arithmetic with cirtorch's rounding, so the same map gives the same regions.
 * <p>Composed of slice, max, multiply, sum, clamp, sqrt, add and divide, so its backward is theirs: each
 * region's dy flows through its normalisation to its arg-max cells.
 */
public final class Rmac {
    public static final int DEFAULT_LEVELS = 3;
    public static final double DEFAULT_EPS = 1e-6;
    /** Overlap of neighbouring level-1 regions the grid aims at. */
    private static final float OVERLAP = 0.4f;
    /** Keeps the norm's square root differentiable on an all-zero region (values that small read as zero). */
    private static final double TINY_SQUARED_NORM = 1e-24;

    /** A square region: top row, left column, side. */
    public record Region(int top, int left, int side) {
    }

    private Rmac() {
    }

    public static Tensor apply(Tensor x) {
        return apply(x, DEFAULT_LEVELS, DEFAULT_EPS);
    }

    public static Tensor apply(Tensor x, int levels, double eps) {
        GlobalPooling.requireNchw("rmac", x);
        if (levels < 1) {
            throw new IllegalArgumentException("rmac: levels = " + levels + " must be at least 1");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("rmac: eps = " + eps + " must be positive");
        }
        Tensor y = normalised(Mac.apply(x), eps);
        for (Region r : regions(x.size(2), x.size(3), levels)) {
            Tensor part = Slice.apply(Slice.apply(x, 2, r.top(), r.top() + r.side()), 3, r.left(), r.left() + r.side());
            y = y.add(normalised(Mac.apply(part), eps));
        }
        return y;
    }

    /** v / (||v|| + eps) per row of (N, C). */
    private static Tensor normalised(Tensor v, double eps) {
        Tensor norm = v.mul(v).sum(new int[]{1}, true).clamp(TINY_SQUARED_NORM, Double.POSITIVE_INFINITY).sqrt()
                .add(eps);
        return v.div(norm);
    }

    /** The regions of an H x W map on the given number of levels (the whole-map term not included). */
    public static List<Region> regions(int h, int w, int levels) {
        int side = Math.min(h, w);
        int extraW = 0;
        int extraH = 0;
        if (h != w) {
            int extra = extraRegions(Math.max(h, w), side);
            if (w > h) {
                extraW = extra;
            } else {
                extraH = extra;
            }
        }
        List<Region> out = new ArrayList<>();
        for (int l = 1; l <= levels; l++) {
            int wl = (int) Math.floor(2.0 * side / (l + 1));
            if (wl == 0) {
                continue;
            }
            int[] tops = starts(h, wl, l + extraH);
            int[] lefts = starts(w, wl, l + extraW);
            for (int top : tops) {
                for (int left : lefts) {
                    out.add(new Region(top, left, wl));
                }
            }
        }
        return out;
    }

    /**
     * Extra level-1 regions along the longer side: k in 1..6 (k + 1 regions) whose step b = (long - side) / k
     * gives the overlap 1 - b / side closest to 40%, the first such k on ties (float32, as the reference).
     */
    private static int extraRegions(int longSide, int side) {
        float sq = (float) side * side;
        int best = 1;
        float bestGap = Float.POSITIVE_INFINITY;
        for (int k = 1; k <= 6; k++) {
            float b = (float) (longSide - side) / (float) k;
            float gap = Math.abs((sq - side * b) / sq - OVERLAP);
            if (gap < bestGap) {
                bestGap = gap;
                best = k;
            }
        }
        return best;
    }

    /** n evenly spread starts of a window of wl in a length: floor(half + i b) - half in float32, half = floor(wl/2 - 1). */
    private static int[] starts(int length, int wl, int n) {
        int half = (int) Math.floor(wl / 2.0 - 1);
        float b = n == 1 ? 0f : (float) ((double) (length - wl) / (n - 1));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float at = (float) half + (float) i * b;
            out[i] = Math.max(0, Math.min(length - wl, (int) Math.floor(at) - half));
        }
        return out;
    }
}
