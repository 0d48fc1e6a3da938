package org.lrml.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.report.TrainingHistory;

/**
 * What a run has done so far: the loss of every step, and per epoch its mean loss, tuple counts, timings,
 * GeM's p and (when evaluated) the metrics. Written to history.json after every epoch and stored in each
 * checkpoint so a resumed run continues the same record.
 */
final class History {
    private final List<Double> stepLosses = new ArrayList<>();
    private final List<Map<String, Object>> epochs = new ArrayList<>();
    private Map<String, Object> untrained;

    void recordStep(double loss) {
        stepLosses.add(loss);
    }

    void recordUntrained(Map<String, Object> metrics) {
        untrained = metrics;
    }

    void recordEpoch(Map<String, Object> epoch) {
        epochs.add(epoch);
    }

    List<Map<String, Object>> epochs() {
        return epochs;
    }

    Map<String, Object> untrained() {
        return untrained;
    }

    /** Metrics of the last evaluated epoch, or of the untrained network, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> latestMetrics() {
        for (int i = epochs.size() - 1; i >= 0; i--) {
            Object m = epochs.get(i).get("metrics");
            if (m != null) {
                return (Map<String, Object>) m;
            }
        }
        return untrained;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("untrained", untrained);
        m.put("epochs", epochs);
        m.put("step_losses", stepLosses);
        return m;
    }

    @SuppressWarnings("unchecked")
    static History fromMap(Map<String, Object> m) {
        History h = new History();
        if (m == null || m.isEmpty()) {
            return h;
        }
        h.untrained = (Map<String, Object>) m.get("untrained");
        Object e = m.get("epochs");
        if (e != null) {
            for (Object o : (List<Object>) e) {
                h.epochs.add(new LinkedHashMap<>((Map<String, Object>) o));
            }
        }
        Object s = m.get("step_losses");
        if (s != null) {
            for (Object o : (List<Object>) s) {
                h.stepLosses.add(((Number) o).doubleValue());
            }
        }
        return h;
    }

    /** The view the plotting code draws: step losses, and per epoch mean loss, mAP and Recall@1. */
    @SuppressWarnings("unchecked")
    TrainingHistory toPlot() {
        TrainingHistory t = new TrainingHistory();
        int s = 0;
        for (Map<String, Object> e : epochs) {
            int steps = ((Number) e.get("steps")).intValue();
            for (int i = 0; i < steps && s < stepLosses.size(); i++) {
                t.recordStep(stepLosses.get(s++));
            }
            Map<String, Object> metrics = (Map<String, Object>) e.get("metrics");
            t.recordEpoch(metric(metrics, "mAP"), metric(metrics, "recall@1"));
        }
        return t;
    }

    /**
     * The training-curve panels: loss per step and per epoch, then mAP, Recall@1 and mAP@R in percent
     * per epoch with the untrained network at epoch 0.
     */
    @SuppressWarnings("unchecked")
    List<org.lrml.report.Plots.Chart> charts(String title) {
        TrainingHistory t = toPlot();
        List<org.lrml.report.Plots.Series> loss = new ArrayList<>();
        double[] steps = t.stepLosses();
        if (steps.length > 0) {
            double[] x = new double[steps.length];
            int[] ends = t.epochEndSteps();
            int start = 0;
            int s = 0;
            for (int e = 0; e < ends.length; e++) {
                for (; s < ends[e] && s < steps.length; s++) {
                    x[s] = e + (s - start + 1) / (double) (ends[e] - start);
                }
                start = ends[e];
            }
            loss.add(new org.lrml.report.Plots.Series("loss per step", x, steps));
            double[] ex = new double[epochs.size()];
            double[] ey = new double[epochs.size()];
            for (int e = 0; e < epochs.size(); e++) {
                ex[e] = ((Number) epochs.get(e).get("epoch")).doubleValue();
                ey[e] = ((Number) epochs.get(e).get("loss")).doubleValue();
            }
            loss.add(new org.lrml.report.Plots.Series("mean loss per epoch", ex, ey));
        }
        List<org.lrml.report.Plots.Chart> charts = new ArrayList<>();
        charts.add(new org.lrml.report.Plots.Chart(title + ": training loss", "epoch", "loss", loss));
        List<double[]> points = new ArrayList<>();
        if (untrained != null) {
            points.add(new double[]{0, metric(untrained, "mAP"), metric(untrained, "recall@1"), metric(untrained, "mAP@R")});
        }
        for (Map<String, Object> e : epochs) {
            Map<String, Object> m = (Map<String, Object>) e.get("metrics");
            if (m != null) {
                points.add(new double[]{((Number) e.get("epoch")).doubleValue(), metric(m, "mAP"), metric(m, "recall@1"),
                        metric(m, "mAP@R")});
            }
        }
        if (!points.isEmpty()) {
            String[] names = {"mAP", "Recall@1", "mAP@R"};
            List<org.lrml.report.Plots.Series> series = new ArrayList<>();
            for (int k = 0; k < names.length; k++) {
                double[] x = new double[points.size()];
                double[] y = new double[points.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = points.get(i)[0];
                    y[i] = 100 * points.get(i)[k + 1];
                }
                series.add(new org.lrml.report.Plots.Series(names[k], x, y));
            }
            charts.add(new org.lrml.report.Plots.Chart(title + ": retrieval (epoch 0 = untrained)", "epoch", "%", series));
        }
        return charts;
    }

    static double metric(Map<String, Object> metrics, String key) {
        if (metrics == null || !(metrics.get(key) instanceof Number n)) {
            return Double.NaN;
        }
        return n.doubleValue();
    }
}
