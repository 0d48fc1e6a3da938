package org.lrml.nn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Backends;
import org.lrml.io.NpyArray;
import org.lrml.io.Pickle;
import org.lrml.tensor.Tensor;

/**
 * PyTorch weights onto a {@link LandmarkNet}: finds the state dict in what {@link org.lrml.io.TorchCheckpoint}
 * read, renames its keys to the network's, and loads it, refusing with one line that lists every missing,
 * unexpected and mis-shaped entry.
 *
 * <p>Two layouts are recognised:
 * <ul>
 * <li>a bare torchvision state dict ({@code torch.save(model.state_dict(), f)}): ResNet keys such as
 * {@code layer1.0.conv1.weight} become {@code features.layer1.0.conv1.weight}; VGG16's {@code features.N.*}
 * stay as they are; the classifier ({@code fc.*}, {@code classifier.*}) is dropped, as is VGG16's last max
 * pool, which has no weights;</li>
 * <li>cirtorch's checkpoints, a dict {@code {'state_dict': ..., 'meta': ...}} whose state dict holds the
 * trunk as a flat sequence ({@code features.0} = conv1, {@code features.1} = bn1, {@code features.4..7} =
 * layer1..layer4 for ResNets; VGG16 as torchvision numbers it), {@code pool.p} and optionally
 * {@code whiten.weight}/{@code whiten.bias}. Its {@code meta} (architecture, pooling, whitening, mean, std)
 * is returned so the caller can check it against the command line.</li>
 * </ul>
 * BatchNorm's {@code num_batches_tracked} (an int64 scalar in PyTorch) becomes the network's one-element
 * float buffer.
 */
public final class TorchWeights {
    /** Entries listed per kind in an error before "and N more". */
    private static final int LISTED = 12;

    /** Where the weights came from, cirtorch's meta (empty for torchvision) and the renamed state dict. */
    public record Found(boolean cirtorch, Map<String, Object> meta, Map<String, NpyArray> tensors) {
        /** Whether the state dict holds GeM's p. */
        public boolean hasGemP() {
            return tensors.containsKey("pool.p");
        }

        /** The whitening layer's output size, or 0 when the file has none. */
        public int whiteningDim() {
            NpyArray w = tensors.get("whiten.weight");
            return w == null || w.shape().length != 2 ? 0 : w.shape()[0];
        }
    }

    private TorchWeights() {
    }

    /**
     * The state dict of the file's object, renamed for a network with this trunk; where names the file in
     * errors. Anything but a dict of tensors (optionally inside cirtorch's {'state_dict', 'meta'}) is an error.
     */
    @SuppressWarnings("unchecked")
    public static Found find(Object root, LandmarkNet.Arch arch, String where) throws IOException {
        if (!(root instanceof Map<?, ?> top)) {
            throw new IOException(where + ": expected a state dict (a dict of tensors) or a checkpoint dict with"
                    + " 'state_dict', found " + Pickle.typeName(root));
        }
        boolean wrapped = top.containsKey("state_dict");
        Map<String, Object> meta = new LinkedHashMap<>();
        if (wrapped && top.get("meta") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> meta.put(String.valueOf(k), v));
        }
        Object sd = wrapped ? top.get("state_dict") : top;
        if (!(sd instanceof Map<?, ?> dict)) {
            throw new IOException(where + ": 'state_dict' is a " + Pickle.typeName(sd) + ", not a dict of tensors");
        }
        Map<String, NpyArray> tensors = new LinkedHashMap<>();
        List<String> notTensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (e.getValue() instanceof NpyArray a) {
                tensors.put(key, a);
            } else {
                notTensors.add(key + " (" + Pickle.typeName(e.getValue()) + ")");
            }
        }
        if (!notTensors.isEmpty() || tensors.isEmpty()) {
            throw new IOException(where + ": the state dict holds " + tensors.size() + " tensors and entries that are"
                    + " not tensors: " + listed(notTensors) + (wrapped ? "" : "; a whole pickled model"
                    + " (torch.save(model)) is not supported, save model.state_dict()"));
        }
        boolean cirtorchTrunk = arch.isResNet() && tensors.containsKey("features.0.weight");
        Map<String, NpyArray> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> e : tensors.entrySet()) {
            String name = rename(e.getKey(), arch, cirtorchTrunk);
            if (name != null) {
                renamed.put(name, scalarCount(name, e.getValue()));
            }
        }
        return new Found(wrapped || cirtorchTrunk, meta, renamed);
    }

    /** The network's name for a file key, or null for the classifier (dropped). */
    private static String rename(String key, LandmarkNet.Arch arch, boolean cirtorchTrunk) {
        if (key.startsWith("pool.") || key.startsWith("whiten.")) {
            return key;
        }
        if (arch.isResNet()) {
            if (key.startsWith("fc.")) {
                return null;
            }
            if (cirtorchTrunk && key.startsWith("features.")) {
                String rest = key.substring("features.".length());
                int dot = rest.indexOf('.');
                String index = dot < 0 ? rest : rest.substring(0, dot);
                String tail = dot < 0 ? "" : rest.substring(dot);
                String name = switch (index) {
                    case "0" -> "conv1";
                    case "1" -> "bn1";
                    case "4" -> "layer1";
                    case "5" -> "layer2";
                    case "6" -> "layer3";
                    case "7" -> "layer4";
                    default -> index;
                };
                return "features." + name + tail;
            }
            return key.startsWith("features.") ? key : "features." + key;
        }
        if (key.startsWith("classifier.")) {
            return null;
        }
        return key;
    }

    /** PyTorch's num_batches_tracked is an int64 scalar; the network keeps a one-element float. */
    private static NpyArray scalarCount(String name, NpyArray a) {
        if (!name.endsWith("num_batches_tracked")) {
            return a;
        }
        double[] v = a.toDoubles();
        return NpyArray.of(new float[]{v.length == 0 ? 0f : (float) v[0]}, 1);
    }

    /**
     * Loads the renamed tensors into the network: every network entry must be there with its shape, except GeM's
     * p when the file has none (the network keeps its own); anything left over is unexpected. On a mismatch the
     * IOException is one line naming the file, the architecture and each kind of problem.
     */
    public static void load(LandmarkNet net, Found found, String where) throws IOException {
        Map<String, Tensor> mine = net.stateDict();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            NpyArray a = found.tensors().get(e.getKey());
            if (a == null) {
                if (!e.getKey().equals("pool.p")) {
                    missing.add(e.getKey());
                }
            } else if (!Arrays.equals(a.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + " " + Arrays.toString(a.shape()) + " (network: "
                        + Arrays.toString(e.getValue().shape()) + ")");
            } else if (!a.isFloat() && !e.getKey().endsWith("num_batches_tracked")) {
                misShaped.add(e.getKey() + " is " + a.type().numpyName() + ", not a float tensor");
            }
        }
        for (String k : found.tensors().keySet()) {
            if (!mine.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add(missing.size() + " missing " + listed(missing));
            }
            if (!unexpected.isEmpty()) {
                parts.add(unexpected.size() + " unexpected " + listed(unexpected));
            }
            if (!misShaped.isEmpty()) {
                parts.add(misShaped.size() + " mis-shaped " + listed(misShaped));
            }
            throw new IOException(where + ": the weights do not fit " + net.spec().arch().cliName() + " ("
                    + net.spec() + "): " + String.join("; ", parts));
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            NpyArray a = found.tensors().get(e.getKey());
            if (a != null) {
                Tensor t = e.getValue();
                t.copyFrom(Tensor.of(Backends.cpu(), a.toFloats(), a.shape()).to(t.backend()));
            }
        }
    }

    private static String listed(List<String> names) {
        if (names.size() <= LISTED) {
            return names.toString();
        }
        return names.subList(0, LISTED) + " and " + (names.size() - LISTED) + " more";
    }
}
