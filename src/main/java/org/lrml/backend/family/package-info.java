/**
 * The op families a {@link org.lrml.backend.Backend} serves, one interface per family. The family name is the
 * project's join key: {@code kernels/<stem>.cu}, its launcher {@code backend/cuda/kernels/<Stem>Kernels}, the CPU
 * class {@code backend/cpu/Cpu<Stem>}, the native test and the benchmark all carry it, and the CUDA providers table
 * ({@code Providers.Family}) lists the same families.
 *
 * <p>Conventions for every family: buffers are dense and row-major; an output buffer is overwritten unless the
 * method says "accumulates"; outputs never alias inputs unless the method says they may; sizes are elements; all
 * storages passed to one call belong to the backend that handed out the family and share one dtype unless stated.
 * Gradients are not here: each op's file writes its backward in terms of these primitives.
 */
package org.lrml.backend.family;
