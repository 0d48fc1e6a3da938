package org.lrml.train.fashion;

import java.util.List;

import org.lrml.data.FashionMnist;
import org.lrml.data.LabeledImages;
import org.lrml.eval.EvalResult;
import org.lrml.eval.FashionProtocols;
import org.lrml.report.Gallery;
import org.lrml.train.Descriptors;
import org.lrml.train.Evaluation;
import org.lrml.train.LabeledImageSet;
import org.lrml.train.TrainConfig;
import org.lrml.util.Rng;

/**
 * The Fashion-MNIST protocols of spec section 7 as a run's {@link Evaluation}: seen (the test images as queries
 * against the training images) or unseen (the test images of labels 5-9, leave-one-out), with a gallery of six
 * test queries and their top-10.
 */
final class FashionEvaluation implements Evaluation {
    private static final int GALLERY_QUERIES = 6;

    private final TrainConfig.Protocol protocol;
    /** The training view (all labels for seen), the database of the seen protocol. */
    private final LabeledImages train;
    private final LabeledImages test;

    FashionEvaluation(TrainConfig.Protocol protocol, LabeledImages train, LabeledImages test) {
        this.protocol = protocol;
        this.train = train;
        this.test = test;
    }

    @Override
    public String name() {
        return protocol.cliName();
    }

    @Override
    public String title() {
        return "Fashion-MNIST (" + protocol.cliName() + ")";
    }

    @Override
    public EvalResult evaluate(Descriptors descriptors, String when) {
        int d = descriptors.dim();
        if (protocol == TrainConfig.Protocol.SEEN) {
            float[] db = descriptors.all(new LabeledImageSet(train), "eval " + when + ": train descriptors");
            float[] q = descriptors.all(new LabeledImageSet(test), "eval " + when + ": test descriptors");
            return FashionProtocols.seen(db, train.labels(), q, test.labels(), d);
        }
        LabeledImages unseen = test.withLabels(FashionMnist.UNSEEN_LABELS);
        float[] q = descriptors.all(new LabeledImageSet(unseen), "eval " + when + ": test descriptors");
        return FashionProtocols.unseen(q, unseen.labels(), d);
    }

    @Override
    public List<Gallery.Row> galleryRows(Descriptors descriptors, Rng rng) {
        int d = descriptors.dim();
        if (protocol == TrainConfig.Protocol.SEEN) {
            int[] ids = rng.sample(test.size(), Math.min(GALLERY_QUERIES, test.size()));
            float[] q = descriptors.of(new LabeledImageSet(test), ids);
            // Gallery.labeledRows reads query i's descriptor at row ids[i] of all test descriptors.
            float[] qAll = new float[test.size() * d];
            for (int i = 0; i < ids.length; i++) {
                System.arraycopy(q, i * d, qAll, ids[i] * d, d);
            }
            float[] db = descriptors.all(new LabeledImageSet(train), "gallery: train descriptors");
            return Gallery.labeledRows(test, qAll, train, db, d, ids, false, FashionMnist::className);
        }
        LabeledImages unseen = test.withLabels(FashionMnist.UNSEEN_LABELS);
        float[] all = descriptors.all(new LabeledImageSet(unseen), "gallery: test descriptors");
        int[] ids = rng.sample(unseen.size(), Math.min(GALLERY_QUERIES, unseen.size()));
        return Gallery.labeledRows(unseen, all, unseen, all, d, ids, true, FashionMnist::className);
    }

    @Override
    public String galleryTitle() {
        return "Top-10 retrievals (" + protocol.cliName() + " protocol): green = same class, red = other";
    }
}
