package org.lrml.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch did: its mean loss, the mined tuples, timings, GeM's p and, when the epoch was
 * evaluated, the metrics. One entry of history.json's "epochs"; {@link #toMap()} writes exactly the keys and order
 * that history.json has always had, so histories stored in earlier checkpoints read back ({@link #fromMap}) and
 * are written again unchanged.
 *
 * @param epoch               1-based epoch number
 * @param backend             the backend that ran the epoch (null only in records older than that key; then omitted)
 * @param loss                mean of the epoch's step losses
 * @param steps               optimiser steps
 * @param tuples              tuples mined (and trained on)
 * @param skippedFewNegatives queries without K eligible negatives
 * @param skippedNoPositive   queries with negatives but no positive
 * @param mineSeconds         time to describe queries and pool and mine
 * @param trainSeconds        time of the steps
 * @param trainImages         images that went through the network in training mode (a step counts its distinct images)
 * @param imagesPerSecond     trainImages / trainSeconds
 * @param gemP                GeM's p after the epoch, or null for a network without a learnable pooling exponent
 * @param evalSeconds         time of the evaluation, or null when the epoch was not evaluated
 * @param metrics             the evaluation's metrics.json object ({@code report.MetricsJson}), or null
 * @param gradients           per-parameter gradient norms and update/weight ratios over the epoch's steps
 *                            ({@link GradientMonitor#summary()}), or null in records older than that key
 */
public record EpochRecord(int epoch, String backend, double loss, int steps, int tuples, int skippedFewNegatives,
                          int skippedNoPositive, double mineSeconds, double trainSeconds, long trainImages,
                          double imagesPerSecond, Double gemP, Double evalSeconds, Map<String, Object> metrics,
                          Map<String, Object> gradients) {

    /** A record without gradient statistics (as every record was before they existed). */
    public EpochRecord(int epoch, String backend, double loss, int steps, int tuples, int skippedFewNegatives,
                       int skippedNoPositive, double mineSeconds, double trainSeconds, long trainImages,
                       double imagesPerSecond, Double gemP, Double evalSeconds, Map<String, Object> metrics) {
        this(epoch, backend, loss, steps, tuples, skippedFewNegatives, skippedNoPositive, mineSeconds, trainSeconds,
                trainImages, imagesPerSecond, gemP, evalSeconds, metrics, null);
    }

    public EpochRecord {
        if ((evalSeconds == null) != (metrics == null)) {
            throw new IllegalArgumentException("epoch " + epoch + ": an evaluated epoch needs both its metrics and"
                    + " their time, got " + evalSeconds + " s and " + metrics);
        }
    }

    /** The same record with the evaluation that followed the epoch. */
    public EpochRecord withEvaluation(double seconds, Map<String, Object> metricsJson) {
        return new EpochRecord(epoch, backend, loss, steps, tuples, skippedFewNegatives, skippedNoPositive, mineSeconds,
                trainSeconds, trainImages, imagesPerSecond, gemP, seconds, metricsJson, gradients);
    }

    public boolean evaluated() {
        return metrics != null;
    }

    /** A metric of the evaluation as a number ("mAP", "recall@1", "mAP@R"), NaN when absent or null. */
    public double metric(String key) {
        return metricOf(metrics, key);
    }

    /** A number of a metrics.json object, NaN when the object or the value is missing (or null: no value). */
    static double metricOf(Map<String, Object> metrics, String key) {
        if (metrics == null || !(metrics.get(key) instanceof Number n)) {
            return Double.NaN;
        }
        return n.doubleValue();
    }

    /**
     * The history.json entry: fixed key order; gem_p, eval_seconds and metrics only when present; gradients (added
     * after the keys of earlier records) only when present.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", epoch);
        if (backend != null) {
            r.put("backend", backend);
        }
        r.put("loss", loss);
        r.put("steps", steps);
        r.put("tuples", tuples);
        r.put("skipped_few_negatives", skippedFewNegatives);
        r.put("skipped_no_positive", skippedNoPositive);
        r.put("mine_seconds", mineSeconds);
        r.put("train_seconds", trainSeconds);
        r.put("train_images", trainImages);
        r.put("images_per_second", imagesPerSecond);
        if (gemP != null) {
            r.put("gem_p", gemP);
        }
        if (evalSeconds != null) {
            r.put("eval_seconds", evalSeconds);
            r.put("metrics", metrics);
        }
        if (gradients != null) {
            r.put("gradients", gradients);
        }
        return r;
    }

    /** The inverse of {@link #toMap()}; {@code where} names the record in errors ("history epoch 3"). */
    @SuppressWarnings("unchecked")
    public static EpochRecord fromMap(Map<String, Object> m, String where) {
        Object metrics = m.get("metrics");
        if (metrics != null && !(metrics instanceof Map)) {
            throw new IllegalArgumentException(where + ": 'metrics' must be an object, got " + metrics);
        }
        Object backend = m.get("backend");
        Object gradients = m.get("gradients");
        if (gradients != null && !(gradients instanceof Map)) {
            throw new IllegalArgumentException(where + ": 'gradients' must be an object, got " + gradients);
        }
        return new EpochRecord(number(m, "epoch", where).intValue(), backend == null ? null : backend.toString(),
                number(m, "loss", where).doubleValue(), number(m, "steps", where).intValue(),
                number(m, "tuples", where).intValue(), number(m, "skipped_few_negatives", where).intValue(),
                number(m, "skipped_no_positive", where).intValue(), number(m, "mine_seconds", where).doubleValue(),
                number(m, "train_seconds", where).doubleValue(), number(m, "train_images", where).longValue(),
                number(m, "images_per_second", where).doubleValue(), optional(m, "gem_p", where),
                optional(m, "eval_seconds", where), (Map<String, Object>) metrics, (Map<String, Object>) gradients);
    }

    private static Number number(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a number, got " + v);
        }
        return n;
    }

    private static Double optional(Map<String, Object> m, String key, String where) {
        return m.get(key) == null ? null : number(m, key, where).doubleValue();
    }
}
