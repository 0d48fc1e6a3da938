package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.lrml.data.ChwImage;
import org.lrml.data.FashionMnist;
import org.lrml.data.ImageFolder;
import org.lrml.data.Images;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.io.Printable;
import org.lrml.report.ProgressBar;
import org.lrml.train.NetExtractor;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml extract}: descriptors of images by a trained network, as .npy. */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute descriptors (N x D float32, unit rows) with the network of a training checkpoint.",
                "--images DIR: every .jpg/.jpeg/.png in DIR (sorted by name; the names go to OUT.names.txt).",
                "--data DIR: a Fashion-MNIST IDX folder (--split test or train; labels go to OUT.labels.npy).",
                "Images are prepared as the network was trained: its channels, Fashion-MNIST normalisation,",
                "longest side --image-size."},
        footer = {"", "Example:", "  lrml extract --checkpoint runs/x/checkpoints/epoch-010.ckpt --data /usr/share/datasets/fashion-mnist --out test.npy"})
final class ExtractCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Training checkpoint (checkpoints/epoch-NNN.ckpt of a run).")
    Path checkpoint;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Folder of image files.")
        Path images;

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder.")
        Path data;
    }

    @Option(names = "--split", paramLabel = "S", description = "With --data: test or train (default: ${DEFAULT-VALUE}).")
    String split = "test";

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Descriptor file to write (.npy).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    @Option(names = "--image-size", paramLabel = "PX", description = "Longest image side fed to the network (default: ${DEFAULT-VALUE}).")
    int imageSize = FashionMnist.SIZE;

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString();
        return profile.around(this::extract, out.toAbsolutePath().getParent(),
                (name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name) + ".");
    }

    private Integer extract() throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserError("--checkpoint " + checkpoint + ": no such file");
        }
        if (imageSize < 1) {
            throw new UserError("--image-size must be at least 1, got " + imageSize);
        }
        FashionMnist.Split s = switch (split) {
            case "test" -> FashionMnist.Split.TEST;
            case "train" -> FashionMnist.Split.TRAIN;
            default -> throw new UserError("--split: expected test or train, got '" + Printable.of(split) + "'");
        };
        OutputPaths.requireFile(out, "--out");
        NetExtractor extractor = NetExtractor.load(checkpoint, backend, imageSize);
        int d = extractor.net().config().dim();
        float[] desc;
        int n;
        // OUT.npy and its companion (labels or names) belong together: written as one set at the end.
        Map<Path, AtomicFiles.Body> set = new LinkedHashMap<>();
        if (source.data != null) {
            LabeledImages fashion = FashionMnist.load(source.data, s, Normalization.FASHION_MNIST);
            n = fashion.size();
            try (ProgressBar bar = new ProgressBar("extract", n)) {
                desc = extractor.net().describe(fashion.range(0, n), n, fashion.height(), fashion.width(), 500,
                        extractor.backend(), bar::set);
            }
            int[] labels = fashion.labels();
            long[] l = new long[labels.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels[i];
            }
            NpyArray labelArray = NpyArray.of(l, l.length);
            set.put(sibling(out, ".labels.npy"), o -> Npy.write(o, labelArray));
        } else {
            ImageFolder folder = ImageFolder.scan(source.images);
            List<String> names = folder.names();
            if (names.isEmpty()) {
                throw new UserError("--images " + source.images + ": no .jpg, .jpeg or .png files");
            }
            n = names.size();
            List<ChwImage> images = new ArrayList<>();
            try (ProgressBar bar = new ProgressBar("load", n)) {
                for (String name : names) {
                    images.add(Images.load(folder.path(name), null, extractor.prep()));
                    bar.step();
                }
            }
            desc = extractor.extractAll(images);
            byte[] text = (String.join("\n", names) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            set.put(sibling(out, ".names.txt"), o -> o.write(text));
        }
        requireFinite(desc, d);
        NpyArray descriptors = NpyArray.of(desc, n, d);
        set.put(out, o -> Npy.write(o, descriptors));
        AtomicFiles.writeSet(set);
        System.out.println("wrote " + out + " (" + n + " x " + d + " float32)");
        return 0;
    }

    /**
     * A network whose weights are finite can still overflow on an input; descriptors with NaN or infinity would rank
     * arbitrarily wherever they are used, so they are an error naming the checkpoint, and nothing is written.
     */
    private void requireFinite(float[] desc, int d) {
        for (int i = 0; i < desc.length; i++) {
            if (!Float.isFinite(desc[i])) {
                throw new UserError("--checkpoint " + checkpoint + ": the network gives " + desc[i] + " in descriptor "
                        + i / d + " (dimension " + i % d + "); its weights overflow on this input, so nothing was"
                        + " written");
            }
        }
    }

    /** out.npy -> out.labels.npy / out.names.txt */
    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(stem + suffix);
    }
}
