package org.lrml.train;

import java.util.Locale;

import org.lrml.eval.EvalResult;

/** The console lines of a run: one per epoch, and the summary of an evaluation. */
final class EpochLines {
    private EpochLines() {
    }

    /** "mAP 67.05%  R@1 83.78%  ...  (10000 queries x 60000 database, 23.1 s)". */
    static String summary(EvalResult r) {
        return String.format(Locale.ROOT, "mAP %.2f%%  R@1 %.2f%%  R@2 %.2f%%  R@4 %.2f%%  R@8 %.2f%%  mAP@R %.2f%%"
                        + "  (%d queries x %d database, %.1f s)", 100 * r.map(), 100 * r.recallAt(1), 100 * r.recallAt(2),
                100 * r.recallAt(4), 100 * r.recallAt(8), 100 * r.mapAtR(), r.queries(), r.database(), r.seconds());
    }

    /** "epoch 3/10  loss 0.6406  2000 tuples  mine 0.9s  train 1.7s (1107 img/s)  GeM p 3.231  eval ...". */
    static String epoch(EpochRecord r, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "epoch %d/%d  loss %.4f  %d tuples  mine %.1fs  train %.1fs (%.0f img/s)", r.epoch(), epochs, r.loss(),
                r.tuples(), r.mineSeconds(), r.trainSeconds(), r.imagesPerSecond()));
        if (r.gemP() != null) {
            sb.append(String.format(Locale.ROOT, "  GeM p %.3f", r.gemP()));
        }
        if (r.evaluated()) {
            sb.append(String.format(Locale.ROOT, "  eval %.1fs  mAP %.2f%%  R@1 %.2f%%", r.evalSeconds(),
                    100 * r.metric("mAP"), 100 * r.metric("recall@1")));
        }
        return sb.toString();
    }
}
