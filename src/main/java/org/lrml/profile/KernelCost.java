package org.lrml.profile;

import java.lang.reflect.Method;
import java.util.List;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;

/**
 * FLOPs and bytes of one family call, where the arguments say them. Bytes are the sizes of every buffer the call is
 * given (each read or written once: the least traffic the call can make, so GB/s is a lower bound). FLOPs are
 * counted for the families whose work is arithmetic: GEMM (2mnk per matrix), convolution in each direction (2 per
 * multiply-add of the direct form), the similarity product (2 n m d), elementwise maps (1 per output element, axpy
 * 2). Elsewhere (copies, pooling, ranking, optimisers) FLOPs are not counted (NaN).
 */
final class KernelCost {
    private KernelCost() {
    }

    static double bytes(Object[] args) {
        if (args == null) {
            return 0;
        }
        double b = 0;
        for (Object a : args) {
            if (a instanceof Storage s) {
                b += (double) s.length() * s.dtype().bytes();
            } else if (a instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Storage s) {
                        b += (double) s.length() * s.dtype().bytes();
                    }
                }
            }
        }
        return b;
    }

    static double flops(String family, Method m, Object[] args) {
        if (args == null || args.length == 0) {
            return Double.NaN;
        }
        Object first = args[0];
        if (first instanceof GemmSpec g) {
            return g.flops();
        }
        if (first instanceof ConvGeometry g) {
            return g.flops();
        }
        String method = m.getName();
        if (family.equals("similarity")) {
            if (method.equals("product") && args.length >= 5 && args[2] instanceof Integer r && args[3] instanceof Integer c
                    && args[4] instanceof Integer d) {
                return 2.0 * r * c * d;
            }
            if (first instanceof RankSpec s && args.length >= 4 && args[3] instanceof Integer d) {
                return 2.0 * s.rows() * s.cols() * d;
            }
        }
        if (family.equals("elementwise")) {
            Storage out = lastStorage(args);
            if (out != null) {
                return method.equals("axpy") ? 2.0 * out.length() : out.length();
            }
        }
        return Double.NaN;
    }

    private static Storage lastStorage(Object[] args) {
        Storage last = null;
        for (Object a : args) {
            if (a instanceof Storage s) {
                last = s;
            }
        }
        return last;
    }
}
