"""The process set-up both PyTorch/numpy peers need before numpy or torch is imported (import this first).

- OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (pinned on this project's machines) are removed, so OpenBLAS picks its own
  kernels for the CPU.
- glibc is told to keep freed memory (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, MALLOC_TOP_PAD_). Otherwise
  it hands blocks above 128 KiB back to the kernel and PyTorch's eager ops fault in fresh pages on every call; on
  this project's VMs that made the CNN step 3-4x slower (clamp_min, fill_, threshold_backward at several ms each in
  the profiler). Keeping freed memory gives the peer its best time. A JVM started from the process inherits the
  settings and does not care.
- OpenBLAS and OpenMP size their thread pools when they load, so --threads N (default 2) becomes
  OPENBLAS_NUM_THREADS and OMP_NUM_THREADS.
glibc and OpenBLAS read these at start-up, hence a restart of the script when they are not yet right.
"""
import os
import sys

PINNED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
MALLOC_KEEP = {"MALLOC_MMAP_THRESHOLD_": str(1 << 34), "MALLOC_TRIM_THRESHOLD_": str(1 << 34),
               "MALLOC_TOP_PAD_": str(1 << 29)}


def threads_arg(argv=None):
    """The value of --threads on the command line (default "2"), before argparse runs."""
    argv = sys.argv if argv is None else argv
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "2"


def prepare():
    if any(k in os.environ for k in PINNED) or any(k not in os.environ for k in MALLOC_KEEP):
        env = {k: v for k, v in os.environ.items() if k not in PINNED}
        for k, v in MALLOC_KEEP.items():
            env.setdefault(k, v)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    os.environ["OPENBLAS_NUM_THREADS"] = threads_arg()
    os.environ["OMP_NUM_THREADS"] = threads_arg()
