package org.lrml.eval;

import java.util.Arrays;

import org.lrml.data.FashionMnist;
import org.lrml.data.LabeledImages;

/**
 * The two Fashion-MNIST protocols of spec section 7, on descriptors (standard AP, Recall@1/2/4/8, mAP@R):
 * <ul>
 * <li>seen: queries = the 10000 test images, database = the 60000 training images, relevant = same label;</li>
 * <li>unseen: the 5000 test images of labels 5-9, each a query against the other 4999 (leave-one-out).</li>
 * </ul>
 */
public final class FashionProtocols {
    public static final String SEEN = "fashion-mnist seen";
    public static final String UNSEEN = "fashion-mnist unseen";

    private FashionProtocols() {
    }

    /** seen: test descriptors (queries) against training descriptors (database). */
    public static EvalResult seen(float[] trainDesc, int[] trainLabels, float[] testDesc, int[] testLabels, int d) {
        return DescriptorEval.evaluate(SEEN, testDesc, trainDesc, testLabels, trainLabels, d, false);
    }

    /**
     * unseen: keeps the test images whose label is in {@link FashionMnist#UNSEEN_LABELS} (testDesc may be
     * all 10000 test descriptors, or already only those) and evaluates them leave-one-out.
     */
    public static EvalResult unseen(float[] testDesc, int[] testLabels, int d) {
        if (testDesc.length != (long) testLabels.length * d) {
            throw new IllegalArgumentException(UNSEEN + ": " + testDesc.length + " descriptor values for "
                    + testLabels.length + " labels of dimension " + d);
        }
        int[] keep = indicesWithLabels(testLabels, FashionMnist.UNSEEN_LABELS);
        if (keep.length == 0) {
            throw new IllegalArgumentException(UNSEEN + ": no test image has a label in "
                    + Arrays.toString(FashionMnist.UNSEEN_LABELS));
        }
        float[] q = new float[keep.length * d];
        int[] labels = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(testDesc, keep[i] * d, q, i * d, d);
            labels[i] = testLabels[keep[i]];
        }
        return DescriptorEval.evaluate(UNSEEN, q, q, labels, labels, d, true);
    }

    /** Positions of the labels that are in keep, in order. */
    public static int[] indicesWithLabels(int[] labels, int[] keep) {
        return java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> Arrays.stream(keep).anyMatch(k -> k == labels[i])).toArray();
    }

    /** seen, with descriptors computed by the extractor from the two splits. */
    public static EvalResult seen(LabeledImages train, LabeledImages test, DescriptorExtractor extractor) {
        float[] db = Extraction.describe(train, extractor);
        float[] q = Extraction.describe(test, extractor);
        int d = q.length / Math.max(1, test.size());
        return seen(db, train.labels(), q, test.labels(), d);
    }

    /** unseen, with descriptors of the test images of labels 5-9 computed by the extractor. */
    public static EvalResult unseen(LabeledImages test, DescriptorExtractor extractor) {
        LabeledImages subset = test.withLabels(FashionMnist.UNSEEN_LABELS);
        float[] q = Extraction.describe(subset, extractor);
        int d = q.length / Math.max(1, subset.size());
        return unseen(q, subset.labels(), d);
    }
}
