package org.lrml.backend.cuda;

import jcuda.driver.CUresult;

/** Result checks for driver calls: every failure names the call and the driver's error. */
final class Cu {
    private Cu() {
    }

    static String name(int result) {
        try {
            return CUresult.stringFor(result);
        } catch (RuntimeException e) {
            return "CUresult " + result;
        }
    }

    /** Errors from a kernel that faulted earlier surface at a later call; the hint says how to find it. */
    static boolean isStickyKernelError(int r) {
        return r == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || r == CUresult.CUDA_ERROR_LAUNCH_FAILED
                || r == CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION || r == CUresult.CUDA_ERROR_MISALIGNED_ADDRESS
                || r == CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE || r == CUresult.CUDA_ERROR_INVALID_PC
                || r == CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR || r == CUresult.CUDA_ERROR_ASSERT
                || r == CUresult.CUDA_ERROR_LAUNCH_TIMEOUT;
    }

    static void check(int result, String call) {
        if (result == CUresult.CUDA_SUCCESS) {
            return;
        }
        String msg = call + " failed with " + name(result) + " (" + result + ")";
        if (isStickyKernelError(result)) {
            msg += "; this error was raised by an earlier kernel and the CUDA context is now unusable: run with"
                    + " -Dlrml.cuda.syncEachLaunch=true to have the failing kernel named at its launch";
        }
        throw new CudaException(msg, result);
    }
}
