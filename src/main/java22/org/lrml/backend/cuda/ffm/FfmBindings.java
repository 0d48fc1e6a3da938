package org.lrml.backend.cuda.ffm;

import org.lrml.backend.cuda.vendor.Binding;
import org.lrml.backend.cuda.vendor.CublasSession;
import org.lrml.backend.cuda.vendor.CudnnSession;
import org.lrml.backend.cuda.vendor.FfmBindingFactory;

/** The FFM bindings of this multi-release part, created reflectively by FfmAccess on Java 22+. */
public final class FfmBindings implements FfmBindingFactory {

    public FfmBindings() {
        // Reflective entry point.
    }

    @Override
    public Binding<CublasSession> cublas(String soname) {
        return new FfmCublas(soname);
    }

    @Override
    public Binding<CudnnSession> cudnn(String soname) {
        return new FfmCudnn(soname);
    }
}
