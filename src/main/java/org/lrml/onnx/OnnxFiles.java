package org.lrml.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lrml.io.AtomicFiles;
import org.lrml.io.InputFiles;
import org.lrml.io.Printable;
import org.lrml.onnx.proto.OnnxProto.ModelProto;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Reads and writes {@code .onnx} files. Reading takes the whole file into memory first, so protobuf's parser checks
 * every declared length against bytes that exist (a corrupt length is an error, never an allocation); writing goes
 * through {@link AtomicFiles}, so an interrupted export never leaves a half-written model under the final name.
 */
public final class OnnxFiles {
    /** protobuf's own limit on one message: ONNX models above it keep their weights in external files. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private OnnxFiles() {
    }

    /** The model in the file; a file that is no ONNX model is an IOException naming it. */
    public static ModelProto read(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "an ONNX model");
        String name = Printable.of(file.toString(), 400);
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(name + ": " + size + " bytes is more than one protobuf message can hold");
        }
        return parse(Files.readAllBytes(file), name);
    }

    /** The model in a file's bytes; {@code name} names the file in errors. */
    public static ModelProto parse(byte[] bytes, String name) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(name + ": not an ONNX model (protobuf: " + Printable.of(e.getMessage(), 200) + ")",
                    e);
        }
        if (!model.hasGraph() || model.getOpsetImportCount() == 0) {
            throw new IOException(name + ": not an ONNX model (" + (model.hasGraph() ? "no opset_import"
                    : "no graph") + ")");
        }
        return model;
    }

    /** Writes the model atomically. */
    public static void write(Path file, ModelProto model) throws IOException {
        AtomicFiles.write(file, model::writeTo);
    }
}
