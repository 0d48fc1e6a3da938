package org.lrml.train;

import java.math.BigDecimal;
import java.util.Locale;

import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.tensor.Tensor;

/** LRML, contrastive or triplet as the fused {@link TupleLoss} op (loss and exact gradient in one backend call). */
public record FusedTupleLoss(LossSpec spec) implements TrainingLoss {
    @Override
    public Tensor apply(Tensor descriptors, Tuples tuples) {
        return TupleLoss.apply(descriptors, tuples, spec);
    }

    @Override
    public String name() {
        return spec.kind().name();
    }

    @Override
    public String describe() {
        String params = switch (spec.kind()) {
            case LRML -> "alpha " + num(spec.alpha()) + ", m " + num(spec.margin()) + ", T " + num(spec.temperature())
                    + ", lambda " + num(spec.lambda()) + ", delta " + num(spec.delta()) + ", mu " + num(spec.mu())
                    + ", eps_o " + num(spec.orderEps());
            case CONTRASTIVE, TRIPLET -> "margin " + num(spec.margin());
        };
        return spec.kind().name().toLowerCase(Locale.ROOT) + " (" + params + ")";
    }

    /** A parameter value without trailing zeros: 1.2, 10, 0.05; very large or small ones as 1e+300, not 301 digits. */
    private static String num(double v) {
        BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
        return Math.abs(d.scale()) > 12 ? String.format(Locale.ROOT, "%.6g", v) : d.toPlainString();
    }
}
