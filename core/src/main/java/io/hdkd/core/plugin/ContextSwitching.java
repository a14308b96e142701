package io.hdkd.core.plugin;

import io.hdkd.api.Backbone;
import io.hdkd.api.ComponentFactory;
import io.hdkd.api.ComponentKind;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.Neck;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps a plugin's objects in proxies of their SPI interface that swap in the plugin's class loader as context loader
 * around every call: its factories, and the components they create (a factory's {@code create} returns the component
 * already wrapped). The host hands out only wrapped factories, so code that injects
 * {@code Map<String, BackboneFactory>} or calls {@code head.loss(...)} cannot forget the swap.
 *
 * <p>DJL {@code Block}s a component returns are not wrapped: DJL itself calls them (forward, initialize, parameter
 * walks), and it treats blocks by their concrete classes; a block's forward must not depend on the context loader
 * (DJL's operators do not). docs/PLUGINS.md says so.
 */
final class ContextSwitching implements InvocationHandler {

    private final Object delegate;
    private final ClassLoader loader;
    private final ComponentKind createsKind;

    private ContextSwitching(Object delegate, ClassLoader loader, ComponentKind createsKind) {
        this.delegate = delegate;
        this.loader = loader;
        this.createsKind = createsKind;
    }

    /** The factory, whose calls and whose created components run with {@code loader} as context loader. */
    static ComponentFactory<?> factory(ComponentKind kind, ComponentFactory<?> factory, ClassLoader loader) {
        Class<?> type = kind.factoryType();
        return (ComponentFactory<?>) Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, new ContextSwitching(factory, loader, kind));
    }

    /** The component a factory of {@code kind} creates: its SPI interface, e.g. {@link DetectorHead} for heads. */
    static Class<?> componentType(ComponentKind kind) {
        return switch (kind) {
            case BACKBONE -> Backbone.class;
            case NECK -> Neck.class;
            case HEAD -> DetectorHead.class;
            case PARTITIONER -> FeaturePartitioner.class;
            case LOSS -> DistillationLoss.class;
        };
    }

    /** {@code component} wrapped in a proxy of {@code type}; null stays null. */
    static Object component(Class<?> type, Object component, ClassLoader loader) {
        if (component == null || Proxy.isProxyClass(component.getClass())
                && Proxy.getInvocationHandler(component) instanceof ContextSwitching) {
            return component;
        }
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new ContextSwitching(component, loader, null));
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
                    return "ContextSwitching[" + delegate + "]";
                default:
                    break;
            }
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Object result = method.invoke(delegate, args);
            if (createsKind != null && method.getName().equals("create")) {
                return component(componentType(createsKind), result, loader);
            }
            return result;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
