package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.lrml.eval.Whitening;
import org.lrml.io.NpyArray;
import org.lrml.io.TorchCheckpoint;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.TorchWeights;
import org.lrml.train.Checkpoint;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml import}: PyTorch weights (torchvision or cirtorch) to an engine checkpoint of a landmark network. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Turn a PyTorch checkpoint into an engine checkpoint that 'lrml extract' and 'lrml eval' accept.",
                "Reads torch.save files (the zip format of PyTorch 1.6+, and the legacy format) without Python:",
                "  - a bare torchvision state dict (torch.save(model.state_dict(), f)); the classifier is dropped;",
                "  - cirtorch's checkpoints {'state_dict', 'meta'} (features.*, pool.p, whiten.weight/bias).",
                "Missing, unexpected or mis-shaped entries end with one error line that lists them."},
        footer = {"", "Examples:",
                "  lrml import --torch resnet50-0676ba61.pth --arch resnet50 --out r50-gem.ckpt",
                "  lrml import --torch retrievalSfM120k-resnet101-gem-b80fb85.pth --out r101-gem.ckpt"})
final class ImportCommand implements Callable<Integer> {

    @Option(names = "--torch", required = true, paramLabel = "FILE.pth", description = "The PyTorch file (torch.save).")
    Path torch;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "resnet18, resnet34, resnet50, resnet101, resnet152 or vgg16 (default: a cirtorch file's"
                    + " meta 'architecture'; required otherwise).")
    String arch;

    @Option(names = "--pooling", paramLabel = "NAME",
            description = "gem, mac, spoc or rmac (default: a cirtorch file's meta 'pooling', else gem).")
    String pooling;

    @Option(names = "--gem-p", paramLabel = "P",
            description = "GeM's p when the file has no pool.p (default: ${DEFAULT-VALUE}); a file's own pool.p wins.")
    double gemP = 3.0;

    @Option(names = "--out", required = true, paramLabel = "C.ckpt", description = "Engine checkpoint to write.")
    Path out;

    @Option(names = "--export-whitening", paramLabel = "DIR",
            description = "Also write the whitenings a cirtorch file carries in meta['Lw'] (learned on a data set, for"
                    + " single-scale 'ss' and multi-scale 'ms' descriptors) as DIR/<dataset>-<ss|ms>/mean.npy and"
                    + " projection.npy, for --whitening.")
    Path exportWhitening;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(torch)) {
            throw new UserError("--torch " + torch + ": no such file");
        }
        if (!(gemP > 0) || !Double.isFinite(gemP)) {
            throw new UserError("--gem-p must be a positive number, got " + gemP);
        }
        Object root = TorchCheckpoint.read(torch);
        Map<String, Object> cirtorchMeta = root instanceof Map<?, ?> m && m.get("meta") instanceof Map<?, ?> meta
                ? stringKeys(meta) : Map.of();
        LandmarkNet.Arch a = architecture(cirtorchMeta);
        TorchWeights.Found found = TorchWeights.find(root, a, torch.toString());
        LandmarkNet.Pooling p = pooling(cirtorchMeta, found);
        float[] mean = triple(cirtorchMeta.get("mean"), LandmarkNet.Spec.IMAGENET_MEAN, "mean");
        float[] std = triple(cirtorchMeta.get("std"), LandmarkNet.Spec.IMAGENET_STD, "std");
        LandmarkNet.Spec spec = new LandmarkNet.Spec(a, p, gemP, found.whiteningDim(), mean, std);
        LandmarkNet net = LandmarkNet.forLoading(spec);
        TorchWeights.load(net, found, torch.toString());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("imported_from", torch.toAbsolutePath().toString());
        source.put("layout", found.cirtorch() ? "cirtorch" : "torchvision");
        if (!cirtorchMeta.isEmpty()) {
            Map<String, Object> shown = new LinkedHashMap<>(cirtorchMeta);
            shown.remove("Lw");
            source.put("cirtorch_meta", jsonSafe(shown));
        }
        Checkpoint.of(LandmarkCheckpoints.meta(spec, source), net.stateDict(), Map.of()).write(out);
        if (exportWhitening != null) {
            exportWhitenings(cirtorchMeta.get("Lw"));
        }
        String pNote = net.gemP() == null ? "" : String.format(Locale.ROOT, ", GeM p %.4f%s", net.gemP().item(),
                found.hasGemP() ? " (from the file)" : " (--gem-p)");
        System.out.println("imported " + torch.getFileName() + " (" + (found.cirtorch() ? "cirtorch" : "torchvision")
                + " layout, " + found.tensors().size() + " tensors): " + spec + pNote + ", " + net.parameterCount()
                + " parameters");
        System.out.println("wrote " + out);
        return 0;
    }

    /** meta['Lw'][dataset][ss|ms] = {'m': D x 1, 'P': D x D} (cirtorch's precomputed learned whitening). */
    private void exportWhitenings(Object lw) throws IOException {
        if (!(lw instanceof Map<?, ?> byDataset) || byDataset.isEmpty()) {
            throw new UserError("--export-whitening: " + torch + " carries no whitening (meta has no 'Lw')");
        }
        for (Map.Entry<?, ?> d : byDataset.entrySet()) {
            if (!(d.getValue() instanceof Map<?, ?> byMode)) {
                continue;
            }
            for (Map.Entry<?, ?> mode : byMode.entrySet()) {
                if (!(mode.getValue() instanceof Map<?, ?> mp) || !(mp.get("m") instanceof NpyArray m)
                        || !(mp.get("P") instanceof NpyArray p) || p.shape().length != 2) {
                    throw new UserError("--export-whitening: " + torch + " meta['Lw'][" + d.getKey() + "]["
                            + mode.getKey() + "] is not {'m': array, 'P': matrix}");
                }
                int dim = p.shape()[1];
                double[] pv = p.toDoubles();
                double[][] rows = new double[p.shape()[0]][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = java.util.Arrays.copyOfRange(pv, r * dim, (r + 1) * dim);
                }
                Path dir = exportWhitening.resolve(d.getKey() + "-" + mode.getKey());
                try {
                    new Whitening(m.toDoubles(), rows).write(dir);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--export-whitening: " + torch + " meta['Lw'][" + d.getKey() + "]["
                            + mode.getKey() + "]: " + e.getMessage());
                }
                System.out.println("wrote whitening " + dir);
            }
        }
    }

    private LandmarkNet.Arch architecture(Map<String, Object> meta) {
        Object fromFile = meta.get("architecture");
        LandmarkNet.Arch a;
        try {
            if (arch != null) {
                a = LandmarkNet.Arch.parse(arch);
            } else if (fromFile instanceof String s) {
                a = LandmarkNet.Arch.parse(s);
            } else {
                throw new UserError("--arch is required for " + torch + " (a bare state dict does not name its"
                        + " architecture): resnet18, resnet34, resnet50, resnet101, resnet152 or vgg16");
            }
        } catch (IllegalArgumentException e) {
            throw new UserError((arch != null ? "--arch: " : torch + " meta 'architecture': ") + e.getMessage());
        }
        if (fromFile instanceof String s && !s.equalsIgnoreCase(a.cliName())) {
            throw new UserError("--arch " + a.cliName() + " contradicts " + torch + ", whose meta says architecture '"
                    + s + "'");
        }
        return a;
    }

    private LandmarkNet.Pooling pooling(Map<String, Object> meta, TorchWeights.Found found) {
        Object fromFile = meta.get("pooling");
        try {
            LandmarkNet.Pooling p = pooling != null ? LandmarkNet.Pooling.parse(pooling)
                    : fromFile instanceof String s ? LandmarkNet.Pooling.parse(s)
                    : LandmarkNet.Pooling.GEM;
            if (found.hasGemP() && p != LandmarkNet.Pooling.GEM) {
                throw new UserError(torch + " holds GeM's pool.p, but --pooling is " + p.cliName());
            }
            if (Boolean.TRUE.equals(meta.get("regional")) || Boolean.TRUE.equals(meta.get("local_whitening"))) {
                throw new UserError(torch + ": cirtorch's regional pooling and local whitening ('regional' or"
                        + " 'local_whitening' true in meta) are not supported");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new UserError((pooling != null ? "--pooling: " : torch + " meta 'pooling': ") + e.getMessage());
        }
    }

    private float[] triple(Object o, float[] fallback, String what) {
        if (o == null) {
            return fallback;
        }
        if (!(o instanceof List<?> l) || l.size() != 3 || !l.stream().allMatch(v -> v instanceof Number)) {
            throw new UserError(torch + ": meta '" + what + "' must be three numbers, found " + o);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** Plain JSON values only (numbers, strings, booleans, lists, maps); anything else as its description. */
    private static Object jsonSafe(Object o) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
            return o;
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), jsonSafe(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(ImportCommand::jsonSafe).toList();
        }
        return String.valueOf(o);
    }
}
