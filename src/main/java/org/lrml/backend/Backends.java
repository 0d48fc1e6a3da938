package org.lrml.backend;

import java.lang.reflect.InvocationTargetException;

import org.lrml.backend.cpu.CpuBackend;

/**
 * Where backends come from. The CPU backend always exists. The CUDA backend is created reflectively so
 * that nothing outside {@code org.lrml.backend.cuda} touches JCuda classes (whose loader throws
 * UnsatisfiedLinkError on machines without the natives or a driver); when it cannot start,
 * {@link #cudaUnavailableReason()} says why.
 */
public final class Backends {
    private static final String CUDA_CLASS = "org.lrml.backend.cuda.CudaBackend";
    private static volatile Backend defaultBackend;
    private static volatile Backend cuda;
    private static volatile String cudaReason;

    private Backends() {
    }

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /** The backend new tensors go to when none is named (CPU unless set). */
    public static Backend defaultBackend() {
        Backend b = defaultBackend;
        return b == null ? cpu() : b;
    }

    public static void setDefault(Backend b) {
        defaultBackend = b;
    }

    /** The CUDA backend, started on first use; throws with the reason when it cannot start. */
    public static synchronized Backend cuda() {
        if (cuda != null) {
            return cuda;
        }
        if (cudaReason != null) {
            throw new BackendUnavailableException(cudaReason);
        }
        try {
            Class<?> c = Class.forName(CUDA_CLASS);
            cuda = (Backend) c.getMethod("open").invoke(null);
            return cuda;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            cudaReason = cause instanceof BackendUnavailableException ? cause.getMessage()
                    : "CUDA backend failed to start: " + cause;
        } catch (ClassNotFoundException e) {
            cudaReason = "this build has no CUDA backend (class " + CUDA_CLASS + " missing)";
        } catch (Throwable t) {
            cudaReason = "CUDA backend failed to load: " + t;
        }
        throw new BackendUnavailableException(cudaReason);
    }

    /** Null when CUDA works here, else the reason it does not (starts it if needed). */
    public static String cudaUnavailableReason() {
        try {
            cuda();
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }

    /** "cpu", "cuda", or "auto" (CUDA when usable, else CPU). */
    public static Backend byName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> cpu();
            case "cuda", "gpu" -> cuda();
            case "auto" -> cudaUnavailableReason() == null ? cuda() : cpu();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected cpu, cuda or auto");
        };
    }
}
