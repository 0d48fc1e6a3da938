package org.lrml.cli;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.ListResourceBundle;
import java.util.Locale;
import java.util.stream.Collectors;

import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.train.TrainConfig;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code lrml train} as picocli sees them, read from {@link TrainConfig#defaults()} (and
 * {@link LossSpec#defaults} for the per-loss margin), so the help text and the trainer cannot disagree: a
 * default value provider for the flags (the help prints it as {@code ${DEFAULT-VALUE}}), and a resource bundle
 * for the margin, whose default depends on --loss (the help reads it as {@code ${bundle:margin.KIND}}).
 */
final class TrainDefaults implements CommandLine.IDefaultValueProvider {
    private static final TrainConfig D = TrainConfig.defaults();

    @Override
    public String defaultValue(ArgSpec arg) {
        return arg instanceof OptionSpec o ? of(o.longestName()) : null;
    }

    /** The default of a flag as it would be typed, or null for flags without one (--out, --resume, --margin). */
    static String of(String flag) {
        LossSpec lrml = LossSpec.lrml();
        return switch (flag) {
            case "--data" -> D.data().dir().toString();
            case "--dataset" -> D.data().dataset().cliName();
            case "--arch" -> D.landmark().arch().cliName();
            case "--image-size" -> String.valueOf(D.landmark().imageSize());
            case "--lr-decay" -> plain(D.landmark().lrDecay());
            case "--tuples-per-forward" -> String.valueOf(D.landmark().tuplesPerForward());
            case "--backend" -> D.backend();
            case "--protocol" -> D.data().protocol().cliName();
            case "--epochs" -> String.valueOf(D.schedule().epochs());
            case "--queries" -> String.valueOf(D.schedule().queries());
            case "--pool" -> String.valueOf(D.schedule().pool());
            case "--tuples-per-step" -> String.valueOf(D.schedule().tuplesPerStep());
            case "--negatives-per-tuple" -> String.valueOf(D.miner().negatives());
            case "--negatives" -> D.miner().negativeMode().name().toLowerCase(Locale.ROOT);
            case "--positives" -> D.miner().positiveMode().name().toLowerCase(Locale.ROOT);
            case "--loss" -> D.loss().kind().name().toLowerCase(Locale.ROOT);
            case "--alpha" -> plain(lrml.alpha());
            case "--temperature" -> plain(lrml.temperature());
            case "--lambda" -> plain(lrml.lambda());
            case "--delta" -> plain(lrml.delta());
            case "--mu" -> plain(lrml.mu());
            case "--order-eps" -> plain(lrml.orderEps());
            case "--lr" -> plain(D.optimization().lr());
            case "--gem-lr-mult" -> plain(D.optimization().gemLrMultiplier());
            case "--weight-decay" -> plain(D.optimization().weightDecay());
            case "--seed" -> String.valueOf(D.schedule().seed());
            case "--dim" -> String.valueOf(D.net().dim());
            case "--widths" -> Arrays.stream(D.net().widths()).mapToObj(String::valueOf).collect(Collectors.joining(","));
            case "--pooling" -> D.net().pooling().name().toLowerCase(Locale.ROOT);
            case "--gem-p" -> plain(D.net().gemP());
            case "--eval-every" -> String.valueOf(D.schedule().evalEvery());
            case "--describe-batch" -> String.valueOf(D.schedule().describeBatch());
            case "--dtype" -> D.dtype().numpyName();
            case "--clip-grad-norm" -> plain(D.clipping().norm());
            case "--clip-grad-value" -> plain(D.clipping().value());
            default -> null;
        };
    }

    /** A number as a person types it and Double.parseDouble reads it back exactly: 10, 1.2, 0.001, 1e-6. */
    static String plain(double v) {
        String s = Double.toString(v);
        if (s.contains("E")) {
            return s.replace(".0E", "E").replace('E', 'e');
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** {@code margin.lrml}, {@code margin.contrastive}, {@code margin.triplet}: each loss's default margin. */
    public static final class Bundle extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            TrainConfig sfm = TrainConfig.builder().sfm120kRecipe().build();
            Object[][] recipe = {
                {"sfm.epochs", String.valueOf(sfm.schedule().epochs())},
                {"sfm.pool", String.valueOf(sfm.schedule().pool())},
                {"sfm.tuples-per-step", String.valueOf(sfm.schedule().tuplesPerStep())},
                {"sfm.lr", plain(sfm.optimization().lr())},
                {"sfm.weight-decay", plain(sfm.optimization().weightDecay())},
                {"sfm.describe-batch", String.valueOf(sfm.schedule().describeBatch())},
            };
            Object[][] margins = Arrays.stream(LossKind.values())
                    .map(k -> new Object[]{"margin." + k.name().toLowerCase(Locale.ROOT), plain(LossSpec.defaults(k).margin())})
                    .toArray(Object[][]::new);
            Object[][] all = Arrays.copyOf(margins, margins.length + recipe.length);
            System.arraycopy(recipe, 0, all, margins.length, recipe.length);
            return all;
        }
    }
}
