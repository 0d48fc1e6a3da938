package org.lrml.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.ops.BatchNorm2d.Mode;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Rng;

/** The conv-family modules: PyTorch's initialisation and names, batch-norm modes, and a small CNN end to end. */
class ConvModulesTest {

    @Test
    void conv2dInitialisesLikePytorchFromTheGivenStream() {
        Conv2d conv = new Conv2d(6, 8, new int[]{3, 2}, new int[]{1, 1}, new int[]{1, 0}, new int[]{1, 1}, 2, true,
                new Rng(5));
        Map<String, Tensor> p = conv.namedParameters();
        assertEquals(List.of("weight", "bias"), List.copyOf(p.keySet()));
        assertArrayEquals(new int[]{8, 3, 3, 2}, p.get("weight").shape());
        double bound = 1 / Math.sqrt(3 * 3 * 2); // fanIn = C/groups KH KW
        for (String name : p.keySet()) {
            double[] v = p.get(name).toDoubleArray();
            double max = 0;
            for (double d : v) {
                assertTrue(Math.abs(d) <= bound, name + " value " + d + " outside +-" + bound);
                max = Math.max(max, Math.abs(d));
            }
            assertTrue(max > 0.7 * bound, name + " does not spread over the bound: max |v| " + max);
        }
        Conv2d again = new Conv2d(6, 8, new int[]{3, 2}, new int[]{1, 1}, new int[]{1, 0}, new int[]{1, 1}, 2, true,
                new Rng(5));
        assertArrayEquals(p.get("weight").toFloatArray(), again.namedParameters().get("weight").toFloatArray());
        assertEquals(List.of("weight"), List.copyOf(new Conv2d(6, 8, new int[]{3, 3}, new int[]{1, 1},
                new int[]{0, 0}, new int[]{1, 1}, 1, false, new Rng(5)).namedParameters().keySet()));
    }

    @Test
    void batchNormModesFollowTrainingFlagUnlessFrozen() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(Mode.TRAINING, bn.mode());
        bn.train(false);
        assertEquals(Mode.INFERENCE, bn.mode());
        bn.freeze(true);
        assertEquals(Mode.FROZEN, bn.mode());
        bn.train(true);
        assertEquals(Mode.FROZEN, bn.mode());
        bn.freeze(false);
        assertEquals(Mode.TRAINING, bn.mode());

        Tensor x = TestData.randn(3, DType.F32, 4, 3, 5, 5);
        bn.forward(x);
        bn.forward(x);
        assertEquals(2.0, bn.namedBuffers().get("num_batches_tracked").item());
        float[] mean = bn.namedBuffers().get("running_mean").toFloatArray();
        bn.freeze(true);
        Tensor y = bn.forward(x);
        y.mul(y).sum().backward();
        assertEquals(2.0, bn.namedBuffers().get("num_batches_tracked").item());
        assertArrayEquals(mean, bn.namedBuffers().get("running_mean").toFloatArray());
        assertNotNull(bn.namedParameters().get("weight").grad(), "gamma must keep training when frozen");
    }

    @Test
    void smallCnnForwardBackwardReachesEveryParameter() {
        Rng rng = new Rng(1);
        Sequential net = new Sequential(
                new Conv2d(1, 4, 3, 1, 1, rng), new BatchNorm2d(4), new Relu(), new MaxPool2d(2),
                new Conv2d(4, 8, 3, 1, 1, rng), new BatchNorm2d(8), new Relu(), new AvgPool2d(5));
        Tensor x = Tensor.fromDoubles(Backends.cpu(), DType.F32, TestData.normal(2, 3 * 11 * 10), 3, 1, 11, 10);
        Tensor y = net.forward(x);
        assertArrayEquals(new int[]{3, 8, 1, 1}, y.shape());
        y.sum().backward();
        for (Map.Entry<String, Tensor> e : net.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            assertNotNull(g, e.getKey() + " has no gradient");
            double norm = 0;
            for (double v : g.toDoubleArray()) {
                assertTrue(Double.isFinite(v), e.getKey());
                norm += v * v;
            }
            // A conv bias right before batch norm has a gradient that cancels to (about) zero; all else must move.
            boolean biasBeforeBatchNorm = e.getKey().equals("0.bias") || e.getKey().equals("4.bias");
            assertTrue(norm > 0 || biasBeforeBatchNorm, e.getKey() + " gradient is zero");
        }
    }

    /** ReLU as a module for the test network (the nn package's activations arrive from another branch). */
    private static final class Relu extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.relu();
        }
    }
}
