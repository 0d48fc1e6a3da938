package org.lrml.bench.compare;

import java.util.Map;

import org.lrml.io.NpyArray;

/**
 * One workload of bench/compare on this engine's side: built once from the .npy inputs the script wrote, then run
 * many times. {@link #run} queues one call's work on the backend; {@link CompareDriver} synchronises the backend
 * before it stops the clock.
 */
interface Workload extends AutoCloseable {
    void run();

    /** What the last run computed, by name; bench/compare.py compares each with PyTorch's. */
    Map<String, NpyArray> outputs();

    /** One line: sizes, and the path or provider that serves it. */
    String describe();

    /** Releases the workload's tensors (device memory on CUDA). */
    @Override
    void close();
}
