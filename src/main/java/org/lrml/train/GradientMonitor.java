package org.lrml.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.autograd.NoGrad;
import org.lrml.tensor.Tensor;

/**
 * What the gradients did in an epoch, per parameter: the L2 norm of each step's gradient (mean, max, last) and the
 * update/weight ratio ||w_after - w_before|| / ||w_before|| of each optimiser step (mean): the numbers that show a
 * layer that does not learn or one that explodes. Also clips the gradients when the run asks for it
 * ({@link TrainConfig.Clipping}). Norms are computed on the host in double from copies of the gradients, so they do
 * not touch the training's numbers; they are the norms before clipping.
 */
final class GradientMonitor {
    private final List<String> names;
    private final List<Tensor> params;
    private final TrainConfig.Clipping clipping;
    private final double[] normSum;
    private final double[] normMax;
    private final double[] normLast;
    private final double[] ratioSum;
    private final int[] ratioSteps;
    private double[][] before;
    private double totalSum;
    private double totalMax;
    private int steps;
    private int clippedSteps;

    GradientMonitor(List<String> names, List<Tensor> params, TrainConfig.Clipping clipping) {
        this.names = List.copyOf(names);
        this.params = List.copyOf(params);
        this.clipping = clipping;
        int n = params.size();
        normSum = new double[n];
        normMax = new double[n];
        normLast = new double[n];
        ratioSum = new double[n];
        ratioSteps = new int[n];
    }

    /** After backward: measure each gradient, then clip (value first, then total norm) where configured. */
    void afterBackward() {
        int n = params.size();
        double[][] grads = new double[n][];
        double total2 = 0;
        for (int i = 0; i < n; i++) {
            Tensor g = params.get(i).grad();
            if (g == null) {
                continue;
            }
            grads[i] = g.toDoubleArray();
            double s = sumOfSquares(grads[i]);
            double norm = Math.sqrt(s);
            normSum[i] += norm;
            normMax[i] = Math.max(normMax[i], norm);
            normLast[i] = norm;
            total2 += s;
        }
        double total = Math.sqrt(total2);
        totalSum += total;
        totalMax = Math.max(totalMax, total);
        steps++;
        if (clipping.any()) {
            clip(grads);
        }
    }

    private void clip(double[][] grads) {
        boolean clipped = false;
        double total2 = 0;
        try (NoGrad ng = NoGrad.enter()) {
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] == null) {
                    continue;
                }
                if (clipping.value() > 0) {
                    double v = clipping.value();
                    boolean any = false;
                    for (int j = 0; j < grads[i].length; j++) {
                        double c = Math.max(-v, Math.min(v, grads[i][j]));
                        any |= c != grads[i][j];
                        grads[i][j] = c;
                    }
                    if (any) {
                        Tensor g = params.get(i).grad();
                        g.copyFrom(g.clamp(-v, v));
                        clipped = true;
                    }
                }
                total2 += sumOfSquares(grads[i]);
            }
            double total = Math.sqrt(total2);
            if (clipping.norm() > 0 && total > clipping.norm()) {
                double scale = clipping.norm() / (total + 1e-6);
                for (int i = 0; i < grads.length; i++) {
                    if (grads[i] != null) {
                        Tensor g = params.get(i).grad();
                        g.copyFrom(g.mul(scale));
                    }
                }
                clipped = true;
            }
        }
        if (clipped) {
            clippedSteps++;
        }
    }

    /** Before the optimiser step: the weights the update ratio is measured against. */
    void beforeStep() {
        before = new double[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).grad() != null) {
                before[i] = params.get(i).toDoubleArray();
            }
        }
    }

    /** After the optimiser step: each parameter's update/weight ratio. */
    void afterStep() {
        for (int i = 0; i < params.size(); i++) {
            if (before == null || before[i] == null) {
                continue;
            }
            double[] after = params.get(i).toDoubleArray();
            double d2 = 0;
            for (int j = 0; j < after.length; j++) {
                double d = after[j] - before[i][j];
                d2 += d * d;
            }
            double w = Math.sqrt(sumOfSquares(before[i]));
            if (w > 0) {
                ratioSum[i] += Math.sqrt(d2) / w;
                ratioSteps[i]++;
            }
        }
        before = null;
    }

    private static double sumOfSquares(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    /**
     * The epoch's statistics for history.json, then a fresh start for the next epoch: {"total_norm_mean",
     * "total_norm_max", "clipped_steps", "parameters": {name: {"grad_norm_mean", "grad_norm_max", "grad_norm_last",
     * "update_ratio_mean"}}}.
     */
    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_norm_mean", steps == 0 ? null : totalSum / steps);
        m.put("total_norm_max", totalMax);
        m.put("clipped_steps", clippedSteps);
        Map<String, Object> per = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("grad_norm_mean", steps == 0 ? null : normSum[i] / steps);
            p.put("grad_norm_max", normMax[i]);
            p.put("grad_norm_last", normLast[i]);
            p.put("update_ratio_mean", ratioSteps[i] == 0 ? null : ratioSum[i] / ratioSteps[i]);
            per.put(names.get(i), p);
        }
        m.put("parameters", per);
        reset();
        return m;
    }

    private void reset() {
        java.util.Arrays.fill(normSum, 0);
        java.util.Arrays.fill(normMax, 0);
        java.util.Arrays.fill(normLast, 0);
        java.util.Arrays.fill(ratioSum, 0);
        java.util.Arrays.fill(ratioSteps, 0);
        totalSum = 0;
        totalMax = 0;
        steps = 0;
        clippedSteps = 0;
    }

    /** Names of the optimiser's parameters: the model's state-dict names where the tensors match, else param.I. */
    static List<String> names(List<Tensor> params, Map<String, Tensor> stateDict) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            String name = "param." + i;
            for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
                if (e.getValue() == params.get(i)) {
                    name = e.getKey();
                    break;
                }
            }
            out.add(name);
        }
        return out;
    }
}
