package org.lrml.nn;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Weight initialisation with PyTorch's formulas (torch.nn.init), drawn from a seeded {@link Rng} in
 * row-major order on the host and copied into the tensor (not recorded by autograd). Each method fills
 * the tensor in place and returns it.
 *
 * <p>Fans of a weight of shape (out, in, k1, k2, ...): fan_in = in * k1 * k2 ..., fan_out = out * k1 * k2 ...
 * (a linear weight (out, in) has no kernel axes). Gains: linear 1, relu sqrt(2),
 * leaky_relu sqrt(2 / (1 + a^2)).
 */
public final class Init {
    private Init() {
    }

    /** Which fan scales the variance: fan_in keeps forward activations' variance, fan_out the gradients'. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** The nonlinearity that follows the layer, for the gain. */
    public enum Nonlinearity { LINEAR, RELU, LEAKY_RELU }

    /** fan_in and fan_out of a weight shape. */
    public record Fans(long fanIn, long fanOut) {
    }

    public static Fans fans(int... shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("init: fan in and fan out need a weight of rank >= 2 (out, in, ...),"
                    + " got shape " + Shape.str(shape));
        }
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new Fans((long) shape[1] * receptive, (long) shape[0] * receptive);
    }

    /** PyTorch's calculate_gain; {@code a} is the negative slope of leaky_relu (ignored otherwise). */
    public static double gain(Nonlinearity nonlinearity, double a) {
        return switch (nonlinearity) {
            case LINEAR -> 1.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1.0 + a * a));
        };
    }

    /** Kaiming (He) normal: N(0, std^2), std = gain / sqrt(fan). */
    public static Tensor kaimingNormal(Tensor t, Rng rng, double a, FanMode mode, Nonlinearity nonlinearity) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t, mode, "kaimingNormal"));
        return normal(t, rng, 0.0, std);
    }

    /** Kaiming (He) uniform: U(-bound, bound), bound = sqrt(3) gain / sqrt(fan). */
    public static Tensor kaimingUniform(Tensor t, Rng rng, double a, FanMode mode, Nonlinearity nonlinearity) {
        double bound = Math.sqrt(3.0) * gain(nonlinearity, a) / Math.sqrt(fan(t, mode, "kaimingUniform"));
        return uniform(t, rng, -bound, bound);
    }

    /** Xavier (Glorot) uniform: U(-bound, bound), bound = gain sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor t, Rng rng, double gain) {
        Fans f = checkedFans(t, "xavierUniform");
        double bound = gain * Math.sqrt(6.0 / (f.fanIn() + f.fanOut()));
        return uniform(t, rng, -bound, bound);
    }

    /** Xavier (Glorot) normal: N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(Tensor t, Rng rng, double gain) {
        Fans f = checkedFans(t, "xavierNormal");
        return normal(t, rng, 0.0, gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut())));
    }

    /** U(lo, hi) entries. */
    public static Tensor uniform(Tensor t, Rng rng, double lo, double hi) {
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("init: uniform bounds [" + lo + ", " + hi + ") are not a finite range");
        }
        double[] d = new double[Math.toIntExact(t.numel())];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return fill(t, d);
    }

    /** N(mean, std^2) entries. */
    public static Tensor normal(Tensor t, Rng rng, double mean, double std) {
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("init: normal mean " + mean + " and std " + std
                    + " must be finite, std >= 0");
        }
        double[] d = new double[Math.toIntExact(t.numel())];
        for (int i = 0; i < d.length; i++) {
            d[i] = mean + std * rng.nextGaussian();
        }
        return fill(t, d);
    }

    private static double fan(Tensor t, FanMode mode, String what) {
        Fans f = checkedFans(t, what);
        return mode == FanMode.FAN_IN ? f.fanIn() : f.fanOut();
    }

    private static Fans checkedFans(Tensor t, String what) {
        Fans f = fans(t.shape());
        if (f.fanIn() == 0 || f.fanOut() == 0) {
            throw new IllegalArgumentException("init: " + what + " of an empty weight " + Shape.str(t.shape())
                    + " (a fan is 0)");
        }
        return f;
    }

    private static Tensor fill(Tensor t, double[] d) {
        t.copyFrom(Tensor.fromDoubles(t.backend(), t.dtype(), d, t.shape()));
        return t;
    }
}
