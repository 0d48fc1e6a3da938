package org.lrml.report;

import java.util.ArrayList;
import java.util.List;

/**
 * What the trainer records for {@link Plots#trainingCurves}: the loss of every step and, at the end of
 * each epoch, the epoch's mean step loss, mAP and Recall@1 (fractions; NaN when not evaluated).
 */
public final class TrainingHistory {
    private final List<Double> steps = new ArrayList<>();
    private final List<Integer> epochEnds = new ArrayList<>();
    private final List<Double> epochLoss = new ArrayList<>();
    private final List<Double> epochMap = new ArrayList<>();
    private final List<Double> epochRecall1 = new ArrayList<>();

    public synchronized void recordStep(double loss) {
        steps.add(loss);
    }

    /** Closes the epoch: its mean loss is the mean of the steps recorded since the previous epoch. */
    public synchronized void recordEpoch(double map, double recall1) {
        int start = epochEnds.isEmpty() ? 0 : epochEnds.get(epochEnds.size() - 1);
        double sum = 0;
        int n = 0;
        for (int i = start; i < steps.size(); i++) {
            if (Double.isFinite(steps.get(i))) {
                sum += steps.get(i);
                n++;
            }
        }
        epochEnds.add(steps.size());
        epochLoss.add(n == 0 ? Double.NaN : sum / n);
        epochMap.add(map);
        epochRecall1.add(recall1);
    }

    public synchronized int epochs() {
        return epochEnds.size();
    }

    public synchronized double[] stepLosses() {
        return toArray(steps);
    }

    /** For each epoch, the number of steps recorded when it ended. */
    public synchronized int[] epochEndSteps() {
        return epochEnds.stream().mapToInt(Integer::intValue).toArray();
    }

    public synchronized double[] epochLosses() {
        return toArray(epochLoss);
    }

    public synchronized double[] epochMap() {
        return toArray(epochMap);
    }

    public synchronized double[] epochRecall1() {
        return toArray(epochRecall1);
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
