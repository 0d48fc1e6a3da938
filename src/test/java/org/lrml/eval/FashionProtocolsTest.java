package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.data.ChwImage;
import org.lrml.data.FashionMnist;
import org.lrml.data.ImagePrep;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.util.Rng;

/** The Fashion-MNIST protocols run through an extractor, on a small IDX folder written here. */
class FashionProtocolsTest {

    /** Images whose brightness depends on the label (plus noise), so descriptors carry the label. */
    static void writeSplit(Path dir, FashionMnist.Split split, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream io = new DataOutputStream(img);
        DataOutputStream lo = new DataOutputStream(lab);
        io.writeInt(0x803);
        io.writeInt(n);
        io.writeInt(28);
        io.writeInt(28);
        lo.writeInt(0x801);
        lo.writeInt(n);
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10);
            lo.writeByte(label);
            for (int p = 0; p < 784; p++) {
                int base = p < 392 ? 20 * label : 200 - 15 * label;
                io.writeByte(Math.max(0, Math.min(255, base + rng.nextInt(40))));
            }
        }
        Files.write(dir.resolve(split.imagesFile()), img.toByteArray());
        Files.write(dir.resolve(split.labelsFile()), lab.toByteArray());
    }

    /** Descriptor: mean of the top and bottom halves of the first channel, as given. */
    static final class Halves implements DescriptorExtractor {
        final ImagePrep prep;
        int calls;

        Halves(ImagePrep prep) {
            this.prep = prep;
        }

        @Override
        public ImagePrep prep() {
            return prep;
        }

        @Override
        public float[] extract(ChwImage image) {
            calls++;
            assertEquals(prep.channels(), image.channels(), "images arrive with the channels the extractor asked for");
            float top = 0;
            float bottom = 0;
            int half = image.plane() / 2;
            for (int i = 0; i < image.plane(); i++) {
                if (i < half) {
                    top += image.data()[i];
                } else {
                    bottom += image.data()[i];
                }
            }
            return new float[]{top / half, bottom / half};
        }
    }

    @Test
    void seenAndUnseenThroughAnExtractor(@TempDir Path dir) throws IOException {
        writeSplit(dir, FashionMnist.Split.TRAIN, 300, 1);
        writeSplit(dir, FashionMnist.Split.TEST, 120, 2);
        Halves gray = new Halves(new ImagePrep(1, 0, Normalization.NONE));
        EvalResult seen = Protocols.run(Protocols.Protocol.SEEN, dir, gray, (d, t) -> {
        }).get(0);
        assertEquals(420, gray.calls);
        assertEquals(120, seen.queries());
        assertEquals(300, seen.database());
        assertEquals(FashionProtocols.SEEN, seen.protocol());

        // The same numbers from descriptors computed here.
        LabeledImages train = FashionMnist.load(dir, FashionMnist.Split.TRAIN, Normalization.NONE);
        LabeledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST, Normalization.NONE);
        float[] db = describe(train);
        float[] q = describe(test);
        EvalResult direct = FashionProtocols.seen(db, train.labels(), q, test.labels(), 2);
        assertEquals(direct.map(), seen.map(), 0);
        assertEquals(direct.recallAt(1), seen.recallAt(1), 0);
        assertTrue(seen.map() > 0.3, "label-dependent images give a clearly non-random mAP: " + seen.map());

        EvalResult unseen = Protocols.run(Protocols.Protocol.UNSEEN, dir, gray, (d, t) -> {
        }).get(0);
        assertEquals(test.withLabels(FashionMnist.UNSEEN_LABELS).size(), unseen.database());

        // An RGB, ImageNet-normalised, resized network input still works on the grayscale set.
        Halves rgb = new Halves(new ImagePrep(3, 32, Normalization.IMAGENET));
        EvalResult viaRgb = Protocols.run(Protocols.Protocol.UNSEEN, dir, rgb, (d, t) -> {
        }).get(0);
        assertEquals(unseen.queries(), viaRgb.queries());
    }

    private static float[] describe(LabeledImages set) {
        Halves h = new Halves(new ImagePrep(1, 0, Normalization.NONE));
        List<ChwImage> all = new java.util.ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            all.add(set.image(i));
        }
        return h.extractAll(all);
    }
}
