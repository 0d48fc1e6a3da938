package org.lrml.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.ops.Rmac;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Rng;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The landmark networks' structure without PyTorch: every trunk's parameter and buffer names and shapes equal
 * torchvision's state-dict keys (src/test/resources/landmark/structure.json, written by make_fixtures.py
 * structure) less the classifier; R-MAC's regions; frozen batch norm; the model description's round trip.
 */
class LandmarkNetTest {
    static final Path STRUCTURE = Path.of("src/test/resources/landmark/structure.json");

    @SuppressWarnings("unchecked")
    static Map<String, Object> structure() throws IOException {
        return new ObjectMapper().readValue(STRUCTURE.toFile(), Map.class);
    }

    @ParameterizedTest
    @EnumSource(LandmarkNet.Arch.class)
    @SuppressWarnings("unchecked")
    void namesAndShapesAreTorchvisions(LandmarkNet.Arch arch) throws IOException {
        Map<String, Object> dicts = (Map<String, Object>) structure().get("state_dicts");
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        for (List<Object> entry : (List<List<Object>>) dicts.get(arch.cliName())) {
            String key = (String) entry.get(0);
            if (key.startsWith("fc.") || key.startsWith("classifier.")) {
                continue;
            }
            List<Integer> shape = (List<Integer>) entry.get(1);
            expected.put(key, key.endsWith("num_batches_tracked") ? List.of(1) : shape);
        }
        Trunk trunk = arch.build(new Rng(0), false);
        Map<String, List<Integer>> ours = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : trunk.stateDict().entrySet()) {
            List<Integer> shape = new ArrayList<>();
            for (int s : e.getValue().shape()) {
                shape.add(s);
            }
            // VGG16 is numbered inside torchvision's "features" Sequential.
            ours.put(arch.isResNet() ? e.getKey() : "features." + e.getKey(), shape);
        }
        assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(ours), arch.cliName());
        assertEquals(arch.channels(), trunk.outChannels());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rmacRegionsAreTheReferenceGrid() throws IOException {
        Map<String, List<List<Integer>>> regions = (Map<String, List<List<Integer>>>) structure().get("rmac_regions");
        for (Map.Entry<String, List<List<Integer>>> e : regions.entrySet()) {
            String[] hw = e.getKey().split("x");
            List<List<Integer>> ours = new ArrayList<>();
            for (Rmac.Region r : Rmac.regions(Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), 3)) {
                ours.add(List.of(r.top(), r.left(), r.side()));
            }
            assertEquals(e.getValue(), ours, "regions of a " + e.getKey() + " map");
        }
    }

    @Test
    void frozenBatchNormUsesAndKeepsTheRunningStatistics() {
        LandmarkNet net = new LandmarkNet(LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 3.0),
                new Rng(4));
        Tensor x = TestData.randn(9, DType.F32, 2, 3, 40, 48);
        // Statistics that differ from the batch's, so training mode would give another output.
        Tensor mean = net.stateDict().get("features.layer2.0.bn1.running_mean");
        mean.copyFrom(TestData.randn(10, DType.F32, mean.shape()));
        float[] before = mean.toFloatArray();
        net.train(false);
        float[] inference;
        try (NoGrad ng = NoGrad.enter()) {
            inference = net.forward(x).toFloatArray();
        }
        net.train(true).freezeBatchNorm(true);
        Tensor y = net.forward(x);
        TestData.assertClose("frozen batch norm equals inference mode", toDoubles(inference), y);
        y.sum().backward();
        assertArrayEquals(before, mean.toFloatArray(), "running statistics unchanged");
        assertNotNull(net.stateDict().get("features.layer2.0.bn1.weight").grad(), "gamma still trains");
        assertNotNull(net.gemP().grad(), "GeM p trains");
        net.freezeBatchNorm(false);
        Tensor trained = net.forward(x);
        assertTrue(!java.util.Arrays.equals(trained.toFloatArray(), y.toFloatArray()), "training mode differs");
    }

    @Test
    void modelDescriptionRoundTrips() {
        LandmarkNet.Spec spec = new LandmarkNet.Spec(LandmarkNet.Arch.RESNET101, LandmarkNet.Pooling.RMAC, 2.5, 1024,
                new float[]{0.4f, 0.5f, 0.6f}, new float[]{0.2f, 0.25f, 0.3f});
        assertEquals(spec, LandmarkNet.Spec.fromMap(spec.toMap(), "test"));
        assertEquals(1024, spec.dim());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LandmarkNet.Spec.fromMap(Map.of("arch", "resnet99", "pooling", "gem"), "meta.json"));
        assertTrue(e.getMessage().contains("meta.json") && e.getMessage().contains("resnet99"), e.getMessage());
    }

    @Test
    void multiScaleExponentIsGemPOnlyWithoutWhitening() {
        LandmarkNet gem = new LandmarkNet(LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 2.5),
                new Rng(1));
        assertEquals(2.5, gem.multiScaleExponent(), 1e-6);
        LandmarkNet whitened = new LandmarkNet(LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 2.5)
                .withWhitening(512), new Rng(1));
        assertEquals(1.0, whitened.multiScaleExponent());
        LandmarkNet mac = new LandmarkNet(LandmarkNet.Spec.of(LandmarkNet.Arch.VGG16, LandmarkNet.Pooling.MAC, 3),
                new Rng(1));
        assertEquals(1.0, mac.multiScaleExponent());
        Tensor x = Tensor.randn(Backends.cpu(), DType.F32, new Rng(2), 1.0, 1, 3, 32, 32);
        try (NoGrad ng = NoGrad.enter()) {
            assertArrayEquals(new int[]{1, 512}, mac.train(false).forward(x).shape());
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
