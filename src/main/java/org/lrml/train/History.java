package org.lrml.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.report.Plots;
import org.lrml.report.Plots.Chart;
import org.lrml.report.TrainingHistory;

/**
 * What a run has done so far: the loss of every step, the metrics of the untrained network, and one
 * {@link EpochRecord} per epoch. Written to history.json after every epoch and stored in each checkpoint, so a
 * resumed run continues the same record.
 */
final class History {
    private final List<Double> stepLosses = new ArrayList<>();
    private final List<EpochRecord> epochs = new ArrayList<>();
    private Map<String, Object> untrained;

    void recordStep(double loss) {
        stepLosses.add(loss);
    }

    void recordUntrained(Map<String, Object> metrics) {
        untrained = metrics;
    }

    void recordEpoch(EpochRecord epoch) {
        epochs.add(epoch);
    }

    List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    List<Double> stepLosses() {
        return List.copyOf(stepLosses);
    }

    Map<String, Object> untrained() {
        return untrained;
    }

    /** history.json: {"untrained": metrics or null, "epochs": [...], "step_losses": [...]}. */
    Map<String, Object> toMap() {
        List<Map<String, Object>> e = new ArrayList<>();
        for (EpochRecord r : epochs) {
            e.add(r.toMap());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("untrained", untrained);
        m.put("epochs", e);
        m.put("step_losses", stepLosses);
        return m;
    }

    /**
     * The inverse of {@link #toMap()} (the "history" of a checkpoint's meta.json); null or empty: a new history.
     * Entries of the wrong JSON type are an {@link IllegalArgumentException} naming the key, never a cast failure.
     */
    @SuppressWarnings("unchecked")
    static History fromMap(Map<String, Object> m) {
        History h = new History();
        if (m == null || m.isEmpty()) {
            return h;
        }
        Object u = m.get("untrained");
        if (u != null && !(u instanceof Map)) {
            throw new IllegalArgumentException("history: 'untrained' must be an object, got " + brief(u));
        }
        h.untrained = (Map<String, Object>) u;
        Object e = m.get("epochs");
        if (e != null) {
            if (!(e instanceof List<?> list)) {
                throw new IllegalArgumentException("history: 'epochs' must be a list, got " + brief(e));
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> record)) {
                    throw new IllegalArgumentException("history: epoch entry " + i + " is not an object: "
                            + brief(list.get(i)));
                }
                h.epochs.add(EpochRecord.fromMap((Map<String, Object>) record, "history: epoch entry " + i));
            }
        }
        Object s = m.get("step_losses");
        if (s != null) {
            if (!(s instanceof List<?> losses)) {
                throw new IllegalArgumentException("history: 'step_losses' must be a list, got " + brief(s));
            }
            for (int i = 0; i < losses.size(); i++) {
                if (!(losses.get(i) instanceof Number n)) {
                    throw new IllegalArgumentException("history: step loss " + i + " is not a number: "
                            + brief(losses.get(i)));
                }
                h.stepLosses.add(n.doubleValue());
            }
        }
        return h;
    }

    private static String brief(Object o) {
        return org.lrml.io.Printable.of(String.valueOf(o), 60);
    }

    /** The view the plotting code draws: step losses, and per epoch mean loss, mAP and Recall@1. */
    TrainingHistory toPlot() {
        TrainingHistory t = new TrainingHistory();
        int s = 0;
        for (EpochRecord e : epochs) {
            for (int i = 0; i < e.steps() && s < stepLosses.size(); i++) {
                t.recordStep(stepLosses.get(s++));
            }
            t.recordEpoch(e.metric("mAP"), e.metric("recall@1"));
        }
        return t;
    }

    /**
     * The training-curve panels: loss per step and per epoch, then mAP, Recall@1 and mAP@R in percent
     * per epoch with the untrained network at epoch 0.
     */
    List<Plots.Chart> charts(String title) {
        TrainingHistory t = toPlot();
        List<Plots.Series> loss = new ArrayList<>();
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
            loss.add(new Plots.Series("loss per step", x, steps));
            double[] ex = new double[epochs.size()];
            double[] ey = new double[epochs.size()];
            for (int e = 0; e < epochs.size(); e++) {
                ex[e] = epochs.get(e).epoch();
                ey[e] = epochs.get(e).loss();
            }
            loss.add(new Plots.Series("mean loss per epoch", ex, ey));
        }
        List<Plots.Chart> charts = new ArrayList<>();
        charts.add(new Plots.Chart(title + ": training loss", "epoch", "loss", loss));
        List<double[]> points = new ArrayList<>();
        if (untrained != null) {
            points.add(new double[]{0, EpochRecord.metricOf(untrained, "mAP"), EpochRecord.metricOf(untrained, "recall@1"),
                    EpochRecord.metricOf(untrained, "mAP@R")});
        }
        for (EpochRecord e : epochs) {
            if (e.evaluated()) {
                points.add(new double[]{e.epoch(), e.metric("mAP"), e.metric("recall@1"), e.metric("mAP@R")});
            }
        }
        if (!points.isEmpty()) {
            String[] names = {"mAP", "Recall@1", "mAP@R"};
            List<Plots.Series> series = new ArrayList<>();
            for (int k = 0; k < names.length; k++) {
                double[] x = new double[points.size()];
                double[] y = new double[points.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = points.get(i)[0];
                    y[i] = 100 * points.get(i)[k + 1];
                }
                series.add(new Plots.Series(names[k], x, y));
            }
            charts.add(new Plots.Chart(title + ": retrieval (epoch 0 = untrained)", "epoch", "%", series));
        }
        Chart gradients = gradientChart(title);
        if (gradients != null) {
            charts.add(gradients);
        }
        return charts;
    }

    /** Each parameter's mean gradient norm per epoch (log10), or null when no epoch recorded gradients. */
    @SuppressWarnings("unchecked")
    private Plots.Chart gradientChart(String title) {
        Map<String, List<double[]>> byParam = new LinkedHashMap<>();
        for (EpochRecord e : epochs) {
            if (e.gradients() == null || !(e.gradients().get("parameters") instanceof Map<?, ?> params)) {
                continue;
            }
            for (Map.Entry<?, ?> p : params.entrySet()) {
                Object v = p.getValue() instanceof Map<?, ?> m ? m.get("grad_norm_mean") : null;
                if (v instanceof Number n && n.doubleValue() > 0) {
                    byParam.computeIfAbsent(String.valueOf(p.getKey()), k -> new ArrayList<>())
                            .add(new double[]{e.epoch(), Math.log10(n.doubleValue())});
                }
            }
        }
        if (byParam.isEmpty()) {
            return null;
        }
        List<Plots.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> p : byParam.entrySet()) {
            double[] x = p.getValue().stream().mapToDouble(a -> a[0]).toArray();
            double[] y = p.getValue().stream().mapToDouble(a -> a[1]).toArray();
            series.add(new Plots.Series(p.getKey(), x, y));
        }
        return new Plots.Chart(title + ": gradient norm per parameter (mean over steps)", "epoch", "log10 ||grad||",
                series);
    }
}
