package io.hdkd.core.plugin;

import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps a plugin's factory in a proxy of its kind's factory interface that swaps in the plugin's class loader as
 * context loader around every call. The host hands out only wrapped factories, so code that injects
 * {@code Map<String, BackboneFactory>} cannot forget the swap.
 */
final class ContextSwitchingFactory implements InvocationHandler {

    private final Object delegate;
    private final ClassLoader loader;

    private ContextSwitchingFactory(Object delegate, ClassLoader loader) {
        this.delegate = delegate;
        this.loader = loader;
    }

    static ComponentFactory<?> wrap(ComponentKind kind, ComponentFactory<?> factory, ClassLoader loader) {
        Class<?> type = kind.factoryType();
        return (ComponentFactory<?>) Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, new ContextSwitchingFactory(factory, loader));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "ContextSwitchingFactory[" + delegate + "]";
                default:
                    break;
            }
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
