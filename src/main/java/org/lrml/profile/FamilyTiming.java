package org.lrml.profile;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;

import org.lrml.backend.DeviceClock;

/**
 * The profiler's stand-in for one family object of one backend (a {@link java.lang.reflect.Proxy} of the family
 * interface): each call is timed on the host, and on the device where the backend has a {@link DeviceClock}, then
 * forwarded unchanged. A proxy keeps up with new family methods by itself.
 */
final class FamilyTiming implements InvocationHandler {
    private final Profiler session;
    private final Object impl;
    private final String family;
    private final String backend;
    private final DeviceClock clock;

    FamilyTiming(Profiler session, Object impl, Class<?> familyInterface, String backend, DeviceClock clock) {
        this.session = session;
        this.impl = impl;
        String simple = familyInterface.getSimpleName();
        this.family = simple.substring(0, 1).toLowerCase(Locale.ROOT) + simple.substring(1);
        this.backend = backend;
        this.clock = clock;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return call(m, args);
        }
        ThreadTrace t = session.thread();
        Interval k = t.kernelStart(family + "." + m.getName(), backend, clock, KernelCost.flops(family, m, args),
                KernelCost.bytes(args));
        try {
            return call(m, args);
        } finally {
            t.kernelEnd(k, clock);
        }
    }

    private Object call(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(impl, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
