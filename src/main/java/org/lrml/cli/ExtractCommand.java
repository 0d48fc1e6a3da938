package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lrml.data.ChwImage;
import org.lrml.data.FashionMnist;
import org.lrml.data.ImageFolder;
import org.lrml.data.Images;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.data.SfmWhitening;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.eval.Postprocessing;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.io.Printable;
import org.lrml.report.ProgressBar;
import org.lrml.train.NetExtractor;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lrml extract}: descriptors of images by a trained or imported network, as .npy. */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute descriptors (N x D float32, unit rows) with the network of a checkpoint (trained, or",
                "made by 'lrml import').",
                "--images DIR: every .jpg/.jpeg/.png below DIR (sorted by name, or in the order of --list; the names",
                "go to OUT.names.txt).",
                "--images IMS --sfm-whiten PKL: the images of cirtorch's retrieval-SfM-120k-whiten.pkl in its cids",
                "order; its (query, positive) pairs go to OUT.pairs.npy for 'lrml whiten --pairs'.",
                "--data DIR: a Fashion-MNIST IDX folder (--split test or train; labels go to OUT.labels.npy).",
                "Images are prepared as the network expects them: landmark networks RGB, longer side --image-size",
                "(bilinear, align_corners=False), the network's mean/std; the Fashion-MNIST network as it was trained."},
        footer = {"", "Examples:",
                "  lrml extract --checkpoint runs/x/checkpoints/epoch-010.ckpt --data /usr/share/datasets/fashion-mnist --out test.npy",
                "  lrml extract --checkpoint r101-gem.ckpt --images oxford5k/jpg --scales 1,0.7071,0.5 --out ox.npy"})
final class ExtractCommand implements Callable<Integer> {
    /** Images loaded and described together (the rest of a folder is not held in memory). */
    private static final int CHUNK = 32;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "Engine checkpoint (a run's"
            + " checkpoints/epoch-NNN.ckpt, or lrml import's output).")
    Path checkpoint;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Folder of image files.")
        Path images;

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder.")
        Path data;
    }

    @Option(names = "--list", paramLabel = "FILE",
            description = "With --images: the image names (file names without extension), one per line, in the order"
                    + " of the output rows.")
    Path list;

    @Option(names = "--sfm-whiten", paramLabel = "PKL",
            description = "With --images (cirtorch's ims folder): describe the whitening set of this"
                    + " retrieval-SfM-120k-whiten.pkl and write its pairs to OUT.pairs.npy.")
    Path sfmWhiten;

    @Option(names = "--split", paramLabel = "S", description = "With --data: test or train (default: ${DEFAULT-VALUE}).")
    String split = "test";

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Descriptor file to write (.npy).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    @Mixin
    DescriptorOptions pipeline;

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
        pipeline.check();
        if ((list != null || sfmWhiten != null) && source.images == null) {
            throw new UserError((list != null ? "--list" : "--sfm-whiten") + " goes with --images");
        }
        if (list != null && sfmWhiten != null) {
            throw new UserError("give --list or --sfm-whiten, not both");
        }
        OutputPaths.requireFile(out, "--out");
        Postprocessing post = pipeline.postprocessing(0, 0, backend);
        DescriptorExtractor extractor = LandmarkCheckpoints.load(checkpoint, backend, pipeline.imageSize,
                pipeline.scales());
        float[] desc;
        int n;
        // OUT.npy and its companion (labels or names) belong together: written as one set at the end.
        Map<Path, AtomicFiles.Body> set = new LinkedHashMap<>();
        if (source.data != null) {
            if (!(extractor instanceof NetExtractor net)) {
                throw new UserError("--data reads Fashion-MNIST, but " + checkpoint + " holds a landmark network; give"
                        + " --images DIR");
            }
            FashionMnist.Split s = switch (split) {
                case "test" -> FashionMnist.Split.TEST;
                case "train" -> FashionMnist.Split.TRAIN;
                default -> throw new UserError("--split: expected test or train, got '" + Printable.of(split) + "'");
            };
            LabeledImages fashion = FashionMnist.load(source.data, s, Normalization.FASHION_MNIST);
            n = fashion.size();
            try (ProgressBar bar = new ProgressBar("extract", n)) {
                desc = net.net().describe(fashion.range(0, n), n, fashion.height(), fashion.width(), 500, net.backend(),
                        bar::set);
            }
            int[] labels = fashion.labels();
            long[] l = new long[labels.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels[i];
            }
            NpyArray labelArray = NpyArray.of(l, l.length);
            set.put(sibling(out, ".labels.npy"), o -> Npy.write(o, labelArray));
        } else {
            List<Path> files = new ArrayList<>();
            List<String> names = new ArrayList<>();
            if (sfmWhiten != null) {
                SfmWhitening whitening = SfmWhitening.read(existing(sfmWhiten, "--sfm-whiten"));
                for (String cid : whitening.cids()) {
                    files.add(SfmWhitening.imagePath(source.images, cid));
                    names.add(cid);
                }
                long[] pairs = new long[2 * whitening.queries().length];
                for (int i = 0; i < whitening.queries().length; i++) {
                    pairs[2 * i] = whitening.queries()[i];
                    pairs[2 * i + 1] = whitening.positives()[i];
                }
                NpyArray pairArray = NpyArray.of(pairs, whitening.queries().length, 2);
                set.put(sibling(out, ".pairs.npy"), o -> Npy.write(o, pairArray));
            } else {
                ImageFolder folder = ImageFolder.scan(source.images);
                if (list != null) {
                    for (String line : Files.readAllLines(existing(list, "--list"))) {
                        String name = line.strip();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                } else {
                    names.addAll(folder.names());
                }
                for (String name : names) {
                    files.add(folder.path(name));
                }
            }
            if (names.isEmpty()) {
                throw new UserError("--images " + source.images + ": no .jpg, .jpeg or .png files"
                        + (list != null ? " named in " + list : ""));
            }
            n = names.size();
            desc = describe(extractor, files);
            byte[] text = (String.join("\n", names) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            set.put(sibling(out, ".names.txt"), o -> o.write(text));
        }
        int d = desc.length / n;
        requireFinite(desc, d);
        if (!post.isNone()) {
            Postprocessing.Descriptors p = post.apply(new float[0], 0, desc, n, d);
            desc = p.database();
            d = p.dim();
            System.out.println("post-processing: " + post.describe());
        }
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

    /** Descriptors of the files, a chunk of images in memory at a time. */
    private static float[] describe(DescriptorExtractor extractor, List<Path> files) throws IOException {
        float[] out = null;
        int d = 0;
        long t0 = System.nanoTime();
        try (ProgressBar bar = new ProgressBar("describe", files.size())) {
            for (int from = 0; from < files.size(); from += CHUNK) {
                int to = Math.min(files.size(), from + CHUNK);
                List<ChwImage> chunk = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    chunk.add(Images.load(files.get(i), null, extractor.prep()));
                }
                float[] part = extractor.extractAll(chunk);
                if (out == null) {
                    d = part.length / chunk.size();
                    out = new float[files.size() * d];
                }
                System.arraycopy(part, 0, out, from * d, part.length);
                bar.set(to);
            }
        }
        System.out.printf(Locale.ROOT, "described %d images in %.1f s%n", files.size(), (System.nanoTime() - t0) / 1e9);
        return out;
    }

    private static Path existing(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(flag + " " + file + ": no such file");
        }
        return file;
    }

    /** out.npy -> out.labels.npy / out.names.txt */
    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(stem + suffix);
    }
}
