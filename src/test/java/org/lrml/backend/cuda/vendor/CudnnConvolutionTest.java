package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.ScratchSource;
import org.lrml.backend.cuda.vendor.CudnnSession.AlgoPerf;

/**
 * What the cuDNN provider asks of cuDNN, recorded: descriptors from the geometry (grouped filter, padding, stride,
 * dilation, FMA math), one plan per geometry, the chosen algorithm with its workspace from the allocator, outputs
 * overwritten (beta 0), the fallback to the built-in kernels with its reason (or an error when cuDNN was forced),
 * and every descriptor destroyed.
 */
class CudnnConvolutionTest {
    private static final ConvGeometry G = new ConvGeometry(2, 6, 12, 11, 9, 3, 2, 2, 1, 1, 0, 2, 1, 3);

    private static final class Builtin implements ConvProvider {
        final List<String> calls = new ArrayList<>();

        @Override
        public void forward(ConvGeometry g, Buf x, Buf w, Buf y) {
            calls.add("forward");
        }

        @Override
        public void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx) {
            calls.add("backward data");
        }

        @Override
        public void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw) {
            calls.add("backward filter");
        }
    }

    private static final class Scratch implements ScratchSource {
        final List<Long> open = new ArrayList<>();
        final List<Long> asked = new ArrayList<>();

        @Override
        public Lease scratch(long bytes, String what) {
            asked.add(bytes);
            open.add(bytes);
            return new Lease() {
                @Override
                public long address() {
                    return 0x1000;
                }

                @Override
                public void close() {
                    open.remove(bytes);
                }
            };
        }
    }

    private static Buf x(ConvGeometry g) {
        return new Buf(0x10000, (long) g.n() * g.cIn() * g.h() * g.w());
    }

    private static Buf w(ConvGeometry g) {
        return new Buf(0x20000, (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw());
    }

    private static Buf y(ConvGeometry g) {
        return new Buf(0x30000, (long) g.n() * g.cOut() * g.outH() * g.outW());
    }

    @Test
    void descriptorsComeFromTheGeometryAndEachPassRunsItsChoice() {
        RecordingCudnn dnn = new RecordingCudnn();
        dnn.heuristics = c -> List.of(new AlgoPerf(0, 0, 1f, 0, 0, CudnnSession.FMA_MATH),
                new AlgoPerf(7, 0, 2f, 2048, CudnnSession.DETERMINISTIC, CudnnSession.FMA_MATH));
        Scratch scratch = new Scratch();
        Builtin builtin = new Builtin();
        CudnnConvolution conv = new CudnnConvolution(dnn, scratch, builtin, false, "test");
        conv.forward(G, x(G), w(G), y(G));
        conv.backwardData(G, y(G), w(G), x(G));
        conv.backwardFilter(G, x(G), y(G), w(G));
        conv.forward(G, x(G), w(G), y(G));
        assertEquals(List.of(new RecordingCudnn.Tensor(2, 6, 12, 11), new RecordingCudnn.Filter(9, 2, 3, 2),
                new RecordingCudnn.Tensor(2, 9, G.outH(), G.outW()), new RecordingCudnn.Conv(1, 0, 2, 1, 2, 1, 3,
                        CudnnSession.FMA_MATH)), dnn.live, "one plan, grouped filter (cOut, cIn / groups, kh, kw)");
        assertEquals(List.of("heuristics forward",
                "forward algo 7 ws 4096 alpha 1.0 beta 0.0 y " + new RecordingCudnn.Tensor(2, 9, G.outH(), G.outW()),
                "heuristics backward data",
                "backward data algo 7 ws 4096 beta 0.0 dx " + new RecordingCudnn.Tensor(2, 6, 12, 11),
                "heuristics backward filter",
                "backward filter algo 7 ws 4096 beta 0.0 dw " + new RecordingCudnn.Filter(9, 2, 3, 2),
                "forward algo 7 ws 4096 alpha 1.0 beta 0.0 y " + new RecordingCudnn.Tensor(2, 9, G.outH(), G.outW())),
                dnn.calls, "heuristics once per pass; outputs overwritten");
        assertEquals(List.of(4096L, 4096L, 4096L, 4096L), scratch.asked);
        assertTrue(scratch.open.isEmpty(), "every workspace lease is returned");
        assertTrue(builtin.calls.isEmpty());
        assertEquals(7, conv.algorithmFor(G, "backward filter"));
        conv.close();
        assertTrue(dnn.live.isEmpty(), "descriptors destroyed: " + dnn.live);
        assertTrue(dnn.closed);
    }

    @Test
    void theWorkspaceIsTheLargerOfWhatEitherQuerySays() {
        RecordingCudnn dnn = new RecordingCudnn();
        dnn.heuristics = c -> List.of(new AlgoPerf(1, 0, 1f, 1 << 16, CudnnSession.DETERMINISTIC, CudnnSession.FMA_MATH));
        dnn.workspace = 100;
        Scratch scratch = new Scratch();
        new CudnnConvolution(dnn, scratch, new Builtin(), false, "test").forward(G, x(G), w(G), y(G));
        assertEquals(List.of(1L << 16), scratch.asked);

        RecordingCudnn none = new RecordingCudnn();
        none.workspace = 0;
        Scratch unused = new Scratch();
        new CudnnConvolution(none, unused, new Builtin(), false, "test").forward(G, x(G), w(G), y(G));
        assertTrue(unused.asked.isEmpty(), "no workspace, no lease");
        assertTrue(none.calls.get(1).contains("ws 0 (null)"), none.calls.toString());
    }

    @Test
    void withoutADeterministicAlgorithmTheBuiltInKernelsServeAndTheReasonIsKept() {
        RecordingCudnn dnn = new RecordingCudnn();
        dnn.heuristics = c -> List.of(new AlgoPerf(0, 0, 1f, 0, 0, CudnnSession.FMA_MATH),
                new AlgoPerf(3, 0, 1f, 0, 0, CudnnSession.FMA_MATH));
        Builtin builtin = new Builtin();
        CudnnConvolution conv = new CudnnConvolution(dnn, new Scratch(), builtin, false, "test");
        conv.backwardFilter(G, x(G), y(G), w(G));
        conv.backwardFilter(G, x(G), y(G), w(G));
        assertEquals(List.of("backward filter", "backward filter"), builtin.calls);
        assertEquals(1, conv.fallbacks().size(), conv.fallbacks().toString());
        String note = conv.fallbacks().get(0);
        assertTrue(note.startsWith("conv2d backward filter " + G + ": cuDNN offers no deterministic"), note);
        assertTrue(note.contains("algo 0 (not deterministic), algo 3 (not deterministic)"), note);
        assertEquals(-1, conv.algorithmFor(G, "backward filter"));
    }

    @Test
    void whenCudnnWasForcedAFallbackIsAnError() {
        RecordingCudnn dnn = new RecordingCudnn();
        dnn.heuristics = c -> List.of();
        Builtin builtin = new Builtin();
        CudnnConvolution conv = new CudnnConvolution(dnn, new Scratch(), builtin, true, "test");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> conv.forward(G, x(G), w(G), y(G)));
        assertTrue(e.getMessage().contains("its heuristics returned none"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dlrml.cuda.provider.conv=cudnn"), e.getMessage());
        assertTrue(builtin.calls.isEmpty());
    }

    @Test
    void descriptorsThatDisagreeWithTheGeometryStopAtOnce() {
        RecordingCudnn dnn = new RecordingCudnn();
        dnn.outputSkew = 1;
        CudnnConvolution conv = new CudnnConvolution(dnn, new Scratch(), new Builtin(), false, "test");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> conv.forward(G, x(G), w(G), y(G)));
        assertTrue(e.getMessage().contains("the descriptors disagree with ConvGeometry"), e.getMessage());
        assertTrue(dnn.live.isEmpty(), "a failed plan destroys what it made: " + dnn.live);
    }

    @Test
    void wrongBufferLengthsAreRefusedOnTheHost() {
        RecordingCudnn dnn = new RecordingCudnn();
        CudnnConvolution conv = new CudnnConvolution(dnn, new Scratch(), new Builtin(), false, "test");
        Buf shortY = new Buf(0x30000, y(G).length() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(G, x(G), w(G), shortY));
        assertTrue(e.getMessage().startsWith("conv2d forward"), e.getMessage());
        assertTrue(dnn.calls.isEmpty());
    }

    @Test
    void plansAreBoundedAndTheEvictedOnesDestroyed() {
        RecordingCudnn dnn = new RecordingCudnn();
        CudnnConvolution conv = new CudnnConvolution(dnn, new Scratch(), new Builtin(), false, "test");
        for (int i = 0; i < 100; i++) {
            ConvGeometry g = new ConvGeometry(1, 2, 5 + i, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            conv.forward(g, x(g), w(g), y(g));
        }
        assertEquals(400, dnn.created);
        assertEquals(64 * 4, dnn.live.size(), "at most 64 plans of 4 descriptors stay");
        conv.close();
        assertTrue(dnn.live.isEmpty());
    }

    @Test
    void algorithmChoiceRules() {
        long limit = 1 << 20;
        ConvAlgorithms.Choice c = ConvAlgorithms.choose(List.of(
                new AlgoPerf(1, 9, 0.1f, 0, CudnnSession.DETERMINISTIC, 3),
                new AlgoPerf(2, 0, 0.1f, 0, 0, 3),
                new AlgoPerf(3, 0, 0.1f, 0, CudnnSession.DETERMINISTIC, 1),
                new AlgoPerf(4, 0, 0.1f, 0, CudnnSession.DETERMINISTIC, 2),
                new AlgoPerf(5, 0, 0.1f, limit + 1, CudnnSession.DETERMINISTIC, 3),
                new AlgoPerf(6, 0, 0.1f, limit, CudnnSession.DETERMINISTIC, 0),
                new AlgoPerf(7, 0, 0.1f, 0, CudnnSession.DETERMINISTIC, 3)), limit);
        assertEquals(6, c.algo(), "status, determinism, tensor-core math and workspace rule out 1 to 5");
        assertEquals(limit, c.memory());
        ConvAlgorithms.Choice none = ConvAlgorithms.choose(List.of(new AlgoPerf(5, 0, 0.1f, 3 * limit,
                CudnnSession.DETERMINISTIC, 3)), limit);
        assertEquals("cuDNN offers no deterministic FMA-math algorithm within 1.0 MiB of workspace: [algo 5 (needs 3.0"
                + " MiB)]", none.reason());
        assertEquals(0, ConvAlgorithms.choose(List.of(new AlgoPerf(0, 0, 0f, 0, 1, JCudnnBinding.MATH_NOT_REPORTED)),
                limit).algo(), "a binding that cannot report the math type is trusted to the descriptor's FMA math");
    }
}
