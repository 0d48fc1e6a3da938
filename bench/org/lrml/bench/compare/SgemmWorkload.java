package org.lrml.bench.compare;

import java.util.Map;

import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.cuda.CudaBackend;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.io.NpyArray;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * C = A B, float32, n x n (inputs a, b; output c). Provider "default" is {@link org.lrml.backend.family.Gemm#gemm} (on CUDA: cuBLAS where
 * it loads, else the built-in kernel); "builtin" calls the built-in CUDA SGEMM directly, for the target stated
 * against cuBLAS.
 */
final class SgemmWorkload implements Workload {
    private final Inputs in;
    private final Backend backend;
    private final Tensor a;
    private final Tensor b;
    private final Tensor c;
    private final GemmSpec spec;
    private final GemmProvider builtin;
    private final String provider;

    SgemmWorkload(Inputs in, String provider) {
        this.in = in;
        this.backend = in.backend();
        this.provider = provider;
        a = in.tensor("a");
        b = in.tensor("b");
        int n = a.size(0);
        if (a.rank() != 2 || a.size(1) != n || b.rank() != 2 || b.size(0) != n || b.size(1) != n) {
            throw new IllegalArgumentException("sgemm: a and b must be square and equal, got "
                    + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
        }
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            c = in.own(Tensor.zeros(backend, DType.F32, n, n));
        }
        spec = GemmSpec.of(false, false, n, n, n);
        builtin = switch (provider) {
            case "default" -> null;
            case "builtin" -> {
                if (!(backend instanceof CudaBackend cuda)) {
                    throw new IllegalArgumentException("sgemm: provider builtin is the CUDA kernel; on the CPU use default");
                }
                yield cuda.gemmProvider("builtin");
            }
            default -> throw new IllegalArgumentException("sgemm: provider must be default or builtin, got " + provider);
        };
    }

    @Override
    public void run() {
        if (builtin == null) {
            backend.gemm().gemm(spec, a.storage(), b.storage(), c.storage());
        } else {
            builtin.gemm(spec, CudaStorage.of(a.storage()).buf(), CudaStorage.of(b.storage()).buf(),
                    CudaStorage.of(c.storage()).buf());
        }
    }

    @Override
    public Map<String, NpyArray> outputs() {
        return Map.of("c", NpyArray.of(c));
    }

    @Override
    public String describe() {
        return "sgemm " + a.size(0) + " (" + provider + ")";
    }

    @Override
    public void close() {
        in.close();
    }
}
