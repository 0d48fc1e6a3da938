package org.lrml.backend.cuda.vendor;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.GemmProvider;

/**
 * The built-in providers' stand-ins for the host-memory checks: the CPU backend run on copies of host buffers (the
 * vendor providers hand k = 0 GEMMs and unsupported convolutions to the built-in ones). Counts its calls, so a check
 * can tell that a fallback happened.
 */
final class HostCpuProviders implements GemmProvider, ConvProvider {
    private final HostMemory mem;
    private final Backend cpu = Backends.cpu();
    int calls;

    HostCpuProviders(HostMemory mem) {
        this.mem = mem;
    }

    private Storage in(Buf b) {
        return cpu.upload(mem.download(b));
    }

    private void out(Storage s, Buf b) {
        float[] f = new float[Math.toIntExact(s.length())];
        cpu.download(s, f);
        mem.write(b, f);
    }

    @Override
    public void close() {
        // Nothing held: the CPU backend's storages are garbage.
    }

    @Override
    public void gemm(GemmSpec spec, Buf a, Buf b, Buf c) {
        calls++;
        Storage cs = in(c);
        cpu.gemm().gemm(spec, in(a), in(b), cs);
        out(cs, c);
    }

    @Override
    public void forward(ConvGeometry g, Buf x, Buf w, Buf y) {
        calls++;
        Storage ys = in(y);
        cpu.conv().forward(g, in(x), in(w), ys);
        out(ys, y);
    }

    @Override
    public void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx) {
        calls++;
        Storage s = in(dx);
        cpu.conv().backwardData(g, in(dy), in(w), s);
        out(s, dx);
    }

    @Override
    public void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw) {
        calls++;
        Storage s = in(dw);
        cpu.conv().backwardFilter(g, in(x), in(dy), s);
        out(s, dw);
    }
}
