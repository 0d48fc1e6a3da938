package org.lrml.onnx;

import java.nio.FloatBuffer;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** ONNX Runtime (CPU) on a model's bytes: the independent judge of what the exporter writes and the importer reads. */
public final class Ort {
    /** An output of a run: its shape and values. */
    public record Output(long[] shape, float[] values) {
        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.toIntExact(shape[i]);
            }
            return s;
        }
    }

    private Ort() {
    }

    /** Runs the model on one float32 input (the graph's first input) and returns its first output. */
    public static Output run(byte[] model, float[] x, int... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(model, opts)) {
                long[] dims = new long[shape.length];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape[i];
                }
                String name = s.getInputNames().iterator().next();
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
                     OrtSession.Result r = s.run(Map.of(name, t))) {
                    OnnxTensor out = (OnnxTensor) r.get(0);
                    FloatBuffer b = out.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    return new Output(out.getInfo().getShape(), v);
                }
            }
        }
    }
}
