/**
 * ONNX models in and out of the engine (README, section ONNX). {@code export} writes an engine network (the
 * Fashion-MNIST {@link org.lrml.nn.RetrievalNet} or a {@link org.lrml.nn.LandmarkNet}) as a standard ONNX graph;
 * {@code load} reads an ONNX graph (as {@code torch.onnx.export} writes CNNs) into the engine's form of it and runs
 * it with the engine's ops. The protobuf classes ({@code org.lrml.onnx.proto}) are generated at build time from
 * ONNX's own {@code onnx.proto} (src/main/proto); this package only converts between them and the engine.
 */
package org.lrml.onnx;
