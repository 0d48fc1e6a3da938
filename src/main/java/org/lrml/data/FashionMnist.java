package org.lrml.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60000 training and 10000 test images, 28 x 28 grayscale,
 * ten classes. Read from the four IDX files in a folder ({@link #DEFAULT_DIR} unless given), each
 * either gzip-compressed ({@code train-images-idx3-ubyte.gz}) or raw ({@code train-images-idx3-ubyte}).
 *
 * <p>Pixels become floats in [0, 1] (byte / 255). With {@link Normalization#FASHION_MNIST} they are then
 * standardised with the training set's mean 0.2860 and std 0.3530.
 *
 * <p>Protocols (spec section 7): "seen" trains on all training images and evaluates the 10000 test
 * images against the 60000 training images; "unseen" trains on {@link #SEEN_LABELS} and evaluates the
 * test images of {@link #UNSEEN_LABELS} among themselves.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final double MEAN = 0.2860;
    public static final double STD = 0.3530;
    public static final int SIZE = 28;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Labels trained on in the "unseen classes" protocol. */
    public static final int[] SEEN_LABELS = {0, 1, 2, 3, 4};
    /** Labels evaluated in the "unseen classes" protocol. */
    public static final int[] UNSEEN_LABELS = {5, 6, 7, 8, 9};

    /** The two halves of the data set and the stems of their files. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String stem;

        Split(String stem) {
            this.stem = stem;
        }

        public String imagesFile() {
            return stem + "-images-idx3-ubyte";
        }

        public String labelsFile() {
            return stem + "-labels-idx1-ubyte";
        }
    }

    private FashionMnist() {
    }

    public static String className(int label) {
        return label >= 0 && label < CLASS_NAMES.size() ? CLASS_NAMES.get(label) : "label " + label;
    }

    /** Loads one split from {@link #DEFAULT_DIR}. */
    public static LabeledImages load(Split split, Normalization norm) throws IOException {
        return load(DEFAULT_DIR, split, norm);
    }

    /**
     * Loads one split from dir; norm is {@link Normalization#NONE} (pixels in [0, 1]) or
     * {@link Normalization#FASHION_MNIST}.
     */
    public static LabeledImages load(Path dir, Split split, Normalization norm) throws IOException {
        Path imagesPath = find(dir, split.imagesFile());
        Path labelsPath = find(dir, split.labelsFile());
        Idx.Images images = Idx.readImages(imagesPath);
        int[] labels = Idx.readLabels(labelsPath);
        if (images.count() != labels.length) {
            throw new IOException("Fashion-MNIST " + split.name().toLowerCase() + " split: " + imagesPath + " holds "
                    + images.count() + " images but " + labelsPath + " holds " + labels.length
                    + " labels; the files do not belong together");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= CLASS_NAMES.size()) {
                throw new IOException(labelsPath + ": label " + labels[i] + " at index " + i
                        + " is not a Fashion-MNIST class (0..9)");
            }
        }
        float[] pixels = toUnitFloats(images.pixels());
        if (!norm.isIdentity()) {
            norm.apply(pixels, 0, 1, pixels.length);
        }
        return new LabeledImages("fashion-mnist " + split.name().toLowerCase(), pixels, labels, 1, images.rows(),
                images.cols(), norm);
    }

    /** byte / 255, exact for every byte value in float. */
    static float[] toUnitFloats(byte[] bytes) {
        float[] lut = new float[256];
        for (int v = 0; v < 256; v++) {
            lut[v] = v / 255f;
        }
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = lut[bytes[i] & 0xff];
        }
        return out;
    }

    private static Path find(Path dir, String stem) throws IOException {
        Path gz = dir.resolve(stem + ".gz");
        Path raw = dir.resolve(stem);
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new IOException("Fashion-MNIST not found: " + dir + " has no " + stem + ".gz (or " + stem
                + "); install it with 'apt-get install dataset-fashion-mnist' (into " + DEFAULT_DIR
                + ") or pass --data DIR naming a folder with the four IDX files");
    }
}
