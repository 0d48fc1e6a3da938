package org.lrml.backend.cuda.vendor;

import java.util.function.Consumer;

import org.lrml.backend.cuda.ScratchSource;

/**
 * What the vendor providers need from the CUDA backend: its stream, a way to make its context current on the
 * calling thread (cuBLAS and cuDNN use the runtime API, which works on the current context), a hook after each
 * call, given the call's name (the backend's -Dlrml.cuda.syncEachLaunch check), workspace memory, and the driver's CUDA version for
 * error hints.
 *
 * @param driverVersion cuDriverGetVersion's number (13000 for CUDA 13.0)
 */
public record VendorContext(NativeStream stream, Runnable makeCurrent, Consumer<String> afterCall, ScratchSource scratch,
                            int driverVersion) {

    /** "13.0" from 13000. */
    public String driverCuda() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }
}
