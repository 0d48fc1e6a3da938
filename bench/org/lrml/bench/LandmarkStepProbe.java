package org.lrml.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.LossSpec;
import org.lrml.loss.Tuples;
import org.lrml.nn.LandmarkNet;
import org.lrml.optim.Adam;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.train.FusedTupleLoss;
import org.lrml.train.sfm.LandmarkModel;
import org.lrml.util.Rng;

/**
 * The cost of SfM-120k training at full size on random weights: one optimiser step of {@code tuples} tuples of
 * K = 5 (7 distinct images each) through a landmark network with frozen batch norm at H x W (cirtorch's 362 px
 * longer side; 362 x 272 is a 4:3 photo), the LRML loss, backward and Adam, and the inference-mode descriptor of
 * one image (mining and evaluation). Memory: the heap in use after the forward pass (weights, Adam state and the
 * activations autograd keeps for the backward pass, after a full GC), a lower bound of the step's peak, and the
 * heap pools' peak use, an upper bound (it counts garbage not yet collected); running under a smaller -Xmx
 * until the step fails brackets the true peak. Times are wall and the
 * process's CPU seconds (on a shared machine the CPU time, divided by the threads, is what a quiet one takes).
 * <pre>java --add-modules jdk.incubator.vector -Xmx16g -cp "$(bench/classpath.sh)" org.lrml.bench.LandmarkStepProbe resnet101 362 272 1</pre>
 */
public final class LandmarkStepProbe {
    private LandmarkStepProbe() {
    }

    public static void main(String[] args) {
        LandmarkNet.Arch arch = LandmarkNet.Arch.parse(args.length > 0 ? args[0] : "resnet101");
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 362;
        int w = args.length > 2 ? Integer.parseInt(args[2]) : 272;
        int tuples = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        Backend cpu = Backends.cpu();
        LandmarkNet net = new LandmarkNet(LandmarkNet.Spec.of(arch, LandmarkNet.Pooling.GEM, 3.0), new Rng(1));
        net.to(cpu);
        LandmarkModel model = new LandmarkModel(net);
        Adam adam = Adam.adam(model.parameterGroups(1e-6, 1e-4, 10));
        int k = 5;
        int images = tuples * (2 + k);
        int[] table = new int[images];
        for (int i = 0; i < images; i++) {
            table[i] = i;
        }
        Tuples t = Tuples.of(table, tuples, k);
        FusedTupleLoss loss = new FusedTupleLoss(LossSpec.lrml());
        float[] pixels = new float[images * 3 * h * w];
        Rng rng = new Rng(2);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        System.out.printf(Locale.ROOT, "%s, %d parameters, %d tuple(s) = %d images of %d x %d, %s%n", arch.cliName(),
                model.parameterCount(), tuples, images, h, w, cpu.describe());
        for (int s = 0; s < steps; s++) {
            model.setTraining(true);
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            long afterForward;
            double forwardSeconds;
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = Tensor.of(cpu, pixels, images, 3, h, w);
                Tensor l = loss.apply(model.forward(x), t);
                l.item();
                forwardSeconds = (System.nanoTime() - t0) / 1e9;
                afterForward = heapAfterGc();
                l.backward();
                adam.step();
                adam.zeroGrad();
            }
            double stepSeconds = (System.nanoTime() - t0) / 1e9;
            double stepCpu = cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "step %d: %.1f s wall, %.1f CPU s (%.2f CPU s per image; forward %.1f s wall),"
                            + " heap in use after the forward pass %.2f GiB, after the step %.2f GiB%n", s + 1,
                    stepSeconds, stepCpu, stepCpu / images, forwardSeconds, afterForward / 1073741824.0,
                    heapAfterGc() / 1073741824.0);
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "heap pools' peak use (live data and garbage not yet collected; -Xmx %.1f GiB):"
                + " %.2f GiB%n", Runtime.getRuntime().maxMemory() / 1073741824.0, peak / 1073741824.0);
        model.setTraining(false);
        for (int s = 0; s < 2; s++) {
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            try (NoGrad ng = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
                model.forward(Tensor.of(cpu, java.util.Arrays.copyOf(pixels, 3 * h * w), 1, 3, h, w)).toFloatArray();
            }
            System.out.printf(Locale.ROOT, "descriptor of one image (inference): %.2f s wall, %.2f CPU s%n",
                    (System.nanoTime() - t0) / 1e9, cpuSeconds() - c0);
        }
    }

    /** CPU seconds of the whole process (all threads, GC included). */
    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean p : pools) {
            if (p.getType() == MemoryType.HEAP) {
                used += p.getUsage().getUsed();
            }
        }
        return used;
    }
}
