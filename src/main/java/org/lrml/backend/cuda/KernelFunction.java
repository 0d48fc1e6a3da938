package org.lrml.backend.cuda;

/** One loaded kernel: its file stem, entry-point name, device handle and PTX parameter declaration. */
public record KernelFunction(String stem, String name, Object handle, PtxSignature signature) {

    @Override
    public String toString() {
        return name + " (kernels/" + stem + ".cu)";
    }
}
