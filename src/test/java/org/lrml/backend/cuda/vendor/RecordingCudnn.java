package org.lrml.backend.cuda.vendor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * An in-process cuDNN stand-in that records what the convolution provider asks for: descriptors with their
 * numbers, heuristics answered by a function of the convolution descriptor, runs with their algorithm and
 * workspace. No arithmetic: VendorStandInTest checks results against the C stand-in.
 */
final class RecordingCudnn implements CudnnSession {
    record Tensor(int n, int c, int h, int w) {
    }

    record Filter(int k, int c, int h, int w) {
    }

    record Conv(int padH, int padW, int strideH, int strideW, int dilH, int dilW, int groups, int math) {
    }

    final List<Object> live = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    int created;
    boolean closed;
    /** The heuristics' answer for a convolution descriptor (the same for the three passes). */
    Function<Conv, List<AlgoPerf>> heuristics = c -> List.of(new AlgoPerf(0, 0, 1f, 0, DETERMINISTIC, FMA_MATH));
    long workspace = 4096;
    /** Added to the real output size, to make the descriptors disagree with ConvGeometry. */
    int outputSkew;

    private <T> T made(T d) {
        live.add(d);
        created++;
        return d;
    }

    @Override
    public LibraryVersion version() {
        return new LibraryVersion(9, 10, 2);
    }

    @Override
    public Object tensor(int n, int c, int h, int w) {
        return made(new Tensor(n, c, h, w));
    }

    @Override
    public Object filter(int k, int c, int h, int w) {
        return made(new Filter(k, c, h, w));
    }

    @Override
    public Object convolution(int padH, int padW, int strideH, int strideW, int dilH, int dilW, int groups, int math) {
        return made(new Conv(padH, padW, strideH, strideW, dilH, dilW, groups, math));
    }

    @Override
    public int[] outputDim(Object conv, Object x, Object w) {
        Conv c = (Conv) conv;
        Tensor t = (Tensor) x;
        Filter f = (Filter) w;
        int oh = (t.h() + 2 * c.padH() - c.dilH() * (f.h() - 1) - 1) / c.strideH() + 1 + outputSkew;
        int ow = (t.w() + 2 * c.padW() - c.dilW() * (f.w() - 1) - 1) / c.strideW() + 1;
        return new int[]{t.n(), f.k(), oh, ow};
    }

    @Override
    public List<AlgoPerf> forwardAlgorithms(Object x, Object w, Object conv, Object y) {
        calls.add("heuristics forward");
        return heuristics.apply((Conv) conv);
    }

    @Override
    public List<AlgoPerf> backwardDataAlgorithms(Object w, Object dy, Object conv, Object dx) {
        calls.add("heuristics backward data");
        return heuristics.apply((Conv) conv);
    }

    @Override
    public List<AlgoPerf> backwardFilterAlgorithms(Object x, Object dy, Object conv, Object dw) {
        calls.add("heuristics backward filter");
        return heuristics.apply((Conv) conv);
    }

    @Override
    public long forwardWorkspace(Object x, Object w, Object conv, Object y, int algo) {
        return workspace;
    }

    @Override
    public long backwardDataWorkspace(Object w, Object dy, Object conv, Object dx, int algo) {
        return workspace;
    }

    @Override
    public long backwardFilterWorkspace(Object x, Object dy, Object conv, Object dw, int algo) {
        return workspace;
    }

    @Override
    public void forward(float alpha, Object xd, long x, Object wd, long w, Object conv, int algo, long ws, long bytes,
                        float beta, Object yd, long y) {
        calls.add("forward algo " + algo + " ws " + bytes + (ws != 0 ? "" : " (null)") + " alpha " + alpha + " beta "
                + beta + " y " + yd);
    }

    @Override
    public void backwardData(float alpha, Object wd, long w, Object dyd, long dy, Object conv, int algo, long ws,
                             long bytes, float beta, Object dxd, long dx) {
        calls.add("backward data algo " + algo + " ws " + bytes + " beta " + beta + " dx " + dxd);
    }

    @Override
    public void backwardFilter(float alpha, Object xd, long x, Object dyd, long dy, Object conv, int algo, long ws,
                               long bytes, float beta, Object dwd, long dw) {
        calls.add("backward filter algo " + algo + " ws " + bytes + " beta " + beta + " dw " + dwd);
    }

    @Override
    public void destroy(Object descriptor) {
        if (!live.remove(descriptor)) {
            throw new AssertionError("destroyed twice or never created: " + descriptor + " (live " + live + ")");
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "RecordingCudnn" + Arrays.asList(calls.toArray());
    }
}
