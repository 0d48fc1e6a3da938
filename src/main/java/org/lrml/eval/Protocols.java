package org.lrml.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.lrml.data.FashionMnist;
import org.lrml.data.ImageFolder;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;

/**
 * The evaluation protocols by name, and where each finds its data under a data set folder:
 * <ul>
 * <li>seen, unseen: the Fashion-MNIST IDX files ({@link FashionMnist#DEFAULT_DIR} by default);</li>
 * <li>oxford5k, paris6k: the ground-truth text files anywhere below the folder, images (.jpg/.png)
 * anywhere below it;</li>
 * <li>roxford5k, rparis6k: {@code gnd_roxford5k.pkl} / {@code gnd_rparis6k.pkl} in the folder, images
 * below it (the revisitop layout keeps them in {@code jpg/});</li>
 * <li>holidays: images {@code NNNNMM.jpg} below the folder.</li>
 * </ul>
 */
public final class Protocols {

    /** Protocol names as the command line takes them. */
    public enum Protocol {
        SEEN, UNSEEN, OXFORD5K, PARIS6K, ROXFORD5K, RPARIS6K, HOLIDAYS;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFashionMnist() {
            return this == SEEN || this == UNSEEN;
        }

        public static Protocol parse(String s) {
            for (Protocol p : values()) {
                if (p.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown protocol '" + s + "'; expected one of "
                    + Arrays.stream(values()).map(Protocol::cliName).toList());
        }
    }

    /** An image benchmark's setups and the folder its images come from. */
    public record ImageBenchmark(List<Benchmark> setups, ImageFolder images) {
    }

    private Protocols() {
    }

    /** Loads the ground truth of an image benchmark from its data set folder. */
    public static ImageBenchmark imageBenchmark(Protocol p, Path dataset) throws IOException {
        if (p.isFashionMnist()) {
            throw new IllegalArgumentException(p.cliName() + " is a Fashion-MNIST protocol, not an image benchmark");
        }
        ImageFolder images = ImageFolder.scan(dataset);
        List<Benchmark> setups = switch (p) {
            case OXFORD5K, PARIS6K -> List.of(OxfordParis.load(OxfordParis.findGroundTruth(dataset), images.names(),
                    p.cliName()));
            case ROXFORD5K, RPARIS6K -> {
                Path gnd = dataset.resolve("gnd_" + p.cliName() + ".pkl");
                if (!Files.isRegularFile(gnd)) {
                    throw new IOException(dataset + ": no " + gnd.getFileName() + " (the revisited ground truth from"
                            + " the revisitop distribution belongs in the data set folder)");
                }
                List<Benchmark> b = RevisitedOxfordParis.load(gnd, p.cliName());
                for (String name : b.get(0).database()) {
                    images.path(name);
                }
                yield b;
            }
            case HOLIDAYS -> List.of(Holidays.load(images.names()));
            default -> throw new IllegalStateException("unhandled protocol " + p);
        };
        return new ImageBenchmark(setups, images);
    }

    /**
     * Runs a protocol with descriptors from the extractor. dataset may be null for the Fashion-MNIST
     * protocols (the default folder is used).
     */
    public static List<EvalResult> run(Protocol p, Path dataset, DescriptorExtractor extractor,
                                       BenchmarkEval.Listener listener) throws IOException {
        return run(p, dataset, extractor, Postprocessing.NONE, listener);
    }

    /**
     * As above, with the image benchmarks' descriptors post-processed before ranking (whitening, DBA, query
     * expansion); the Fashion-MNIST protocols take none.
     */
    public static List<EvalResult> run(Protocol p, Path dataset, DescriptorExtractor extractor, Postprocessing post,
                                       BenchmarkEval.Listener listener) throws IOException {
        if (p.isFashionMnist() && !post.isNone()) {
            throw new IllegalArgumentException(p.cliName() + ": whitening, DBA and query expansion are for the image"
                    + " benchmarks (oxford5k, paris6k, roxford5k, rparis6k, holidays)");
        }
        if (p.isFashionMnist()) {
            Path dir = dataset == null ? FashionMnist.DEFAULT_DIR : dataset;
            // Stored as the extractor wants them when it takes grayscale; otherwise in [0, 1] and converted
            // per batch (FashionProtocols prepares images whose channels or statistics differ).
            Normalization stored = extractor.prep().channels() == 1 ? extractor.prep().normalization()
                    : Normalization.NONE;
            LabeledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST, stored);
            if (p == Protocol.UNSEEN) {
                return List.of(FashionProtocols.unseen(test, extractor));
            }
            LabeledImages train = FashionMnist.load(dir, FashionMnist.Split.TRAIN, stored);
            return List.of(FashionProtocols.seen(train, test, extractor));
        }
        if (dataset == null) {
            throw new IllegalArgumentException(p.cliName() + " needs its data set folder (--dataset DIR)");
        }
        ImageBenchmark b = imageBenchmark(p, dataset);
        return BenchmarkEval.evaluate(b.setups(), new ExtractorSource(b.images(), extractor), post, listener);
    }
}
