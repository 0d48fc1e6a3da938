package org.lrml.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Allocations;
import org.lrml.backend.Storage;

/**
 * Deterministic release of intermediate buffers. Every storage a backend allocates while a scope is open
 * on this thread belongs to the innermost scope and is closed with it, except those moved out with
 * {@link #keep}. A training step runs in one scope, so device memory returns to the caching allocator at
 * the end of each step instead of waiting for the garbage collector. Parameters, their gradients and
 * optimiser state are created outside scopes (or under {@link #untracked()}) and live on.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = model.forward(x) ...;
 *     loss.backward();
 *     lossValue = loss.item();          // copies to the host, nothing escapes
 * }
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ThreadLocal<int[]> UNTRACKED = ThreadLocal.withInitial(() -> new int[1]);

    static {
        // Backends announce new storages through this hook; they know nothing of scopes.
        Allocations.setListener(MemoryScope::track);
    }

    private final Map<Storage, Boolean> owned = new IdentityHashMap<>();
    private boolean closed;

    private MemoryScope() {
    }

    public static MemoryScope open() {
        MemoryScope s = new MemoryScope();
        STACK.get().push(s);
        return s;
    }

    /** Called for each new storage (through {@link Allocations}). */
    public static void track(Storage s) {
        if (UNTRACKED.get()[0] > 0) {
            return;
        }
        MemoryScope top = STACK.get().peek();
        if (top != null) {
            top.owned.put(s, Boolean.TRUE);
        }
    }

    /** Moves the tensor's storage (and its grad's) from the innermost scope to the enclosing one. */
    public static <T extends Tensor> T keep(T t) {
        ArrayDeque<MemoryScope> stack = STACK.get();
        MemoryScope top = stack.peek();
        if (top == null) {
            return t;
        }
        MemoryScope parent = null;
        boolean first = true;
        for (MemoryScope s : stack) {
            if (first) {
                first = false;
                continue;
            }
            parent = s;
            break;
        }
        moveOut(top, parent, t.storage());
        if (t.grad() != null) {
            moveOut(top, parent, t.grad().storage());
        }
        return t;
    }

    private static void moveOut(MemoryScope from, MemoryScope to, Storage s) {
        if (from.owned.remove(s) != null && to != null) {
            to.owned.put(s, Boolean.TRUE);
        }
    }

    /** A region in which new storages belong to no scope (for state that outlives steps). */
    public static Untracked untracked() {
        UNTRACKED.get()[0]++;
        return new Untracked();
    }

    /** Number of storages this scope would close now (for tests and leak reports). */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ArrayDeque<MemoryScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("memory scopes closed out of order");
        }
        stack.pop();
        List<Storage> toClose = new ArrayList<>(owned.keySet());
        owned.clear();
        for (Storage s : toClose) {
            s.close();
        }
    }

    /** See {@link #untracked()}. */
    public static final class Untracked implements AutoCloseable {
        private boolean closed;

        private Untracked() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                UNTRACKED.get()[0]--;
            }
        }
    }
}
