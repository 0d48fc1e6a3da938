package org.lrml.backend.cuda;

import java.util.HashMap;
import java.util.Map;

/**
 * The kernels of one .cu file, loaded from its PTX into the device (the driver JIT-compiles it for the GPU at
 * hand). Functions are looked up once and kept; the PTX's parameter declarations are parsed here so that every
 * launch can be checked against them.
 */
final class KernelModule implements AutoCloseable {
    private final DeviceApi device;
    private final String stem;
    private final Object handle;
    private final Map<String, PtxSignature> signatures;
    private final Map<String, KernelFunction> functions = new HashMap<>();
    private boolean closed;

    private KernelModule(DeviceApi device, String stem, Object handle, Map<String, PtxSignature> signatures) {
        this.device = device;
        this.stem = stem;
        this.handle = handle;
        this.signatures = signatures;
    }

    static KernelModule load(DeviceApi device, String stem, String ptx) {
        Map<String, PtxSignature> sigs = PtxSignature.parse(ptx);
        return new KernelModule(device, stem, device.loadModule(stem, ptx), sigs);
    }

    String stem() {
        return stem;
    }

    synchronized KernelFunction function(String name) {
        if (closed) {
            throw new IllegalStateException("kernels/" + stem + ".ptx has been unloaded (the CUDA backend was closed)");
        }
        KernelFunction f = functions.get(name);
        if (f == null) {
            PtxSignature sig = signatures.get(name);
            if (sig == null) {
                throw new IllegalStateException("kernel " + name + " is not in kernels/" + stem + ".ptx (it has "
                        + signatures.keySet() + "); the PTX is older than the launcher: rebuild it (mvn package or"
                        + " kernels/build.sh)");
            }
            f = new KernelFunction(stem, name, device.function(handle, stem, name), sig);
            functions.put(name, f);
        }
        return f;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            functions.clear();
            device.unloadModule(handle);
        }
    }
}
