package org.lrml.backend.cuda.vendor;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ScratchSource;

/**
 * Native host memory standing in for device memory in the stand-in library checks: the fake cuBLAS and cuDNN
 * compute on whatever address they get, so host addresses let the providers run end to end without a GPU. Uses
 * sun.misc.Unsafe (Java 17 has no other way to hand out raw addresses); every block is freed on close.
 */
final class HostMemory implements ScratchSource, AutoCloseable {
    private static final sun.misc.Unsafe U = unsafe();
    private final List<Long> blocks = new ArrayList<>();
    private final List<Long> leases = new ArrayList<>();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Unsafe is not reachable: " + e, e);
        }
    }

    /** A buffer holding the values (or NaNs beyond them up to length, so an unwritten output shows). */
    Buf upload(float[] values) {
        long address = U.allocateMemory(4L * Math.max(1, values.length));
        blocks.add(address);
        for (int i = 0; i < values.length; i++) {
            U.putFloat(address + 4L * i, values[i]);
        }
        return new Buf(address, values.length);
    }

    float[] download(Buf b) {
        float[] out = new float[Math.toIntExact(b.length())];
        for (int i = 0; i < out.length; i++) {
            out[i] = U.getFloat(b.address() + 4L * i);
        }
        return out;
    }

    void write(Buf b, float[] values) {
        for (int i = 0; i < values.length; i++) {
            U.putFloat(b.address() + 4L * i, values[i]);
        }
    }

    /** Workspace sizes asked for, in order. */
    List<Long> leases() {
        return leases;
    }

    @Override
    public Lease scratch(long bytes, String what) {
        long address = U.allocateMemory(bytes);
        leases.add(bytes);
        return new Lease() {
            private boolean closed;

            @Override
            public long address() {
                return address;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    U.freeMemory(address);
                }
            }
        };
    }

    @Override
    public void close() {
        blocks.forEach(U::freeMemory);
        blocks.clear();
    }
}
