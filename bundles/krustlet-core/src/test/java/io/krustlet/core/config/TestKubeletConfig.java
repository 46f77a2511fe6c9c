package io.krustlet.core.config;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link KubeletConfig} as Config Admin would hand it: every key at its declared default
 * unless the test sets it (so a new key needs no change in every test).
 */
public final class TestKubeletConfig {

    private final Map<String, Object> values = new HashMap<>();

    public static TestKubeletConfig defaults() {
        return new TestKubeletConfig();
    }

    public TestKubeletConfig with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    public KubeletConfig build() {
        Map<String, Object> copy = Map.copyOf(values);
        return (KubeletConfig) Proxy.newProxyInstance(KubeletConfig.class.getClassLoader(),
                new Class<?>[] {KubeletConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return KubeletConfig.class;
                    }
                    if (method.getName().equals("toString")) {
                        return "KubeletConfig" + copy;
                    }
                    if (method.getName().equals("hashCode")) {
                        return copy.hashCode();
                    }
                    if (method.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    Object value = copy.get(method.getName());
                    return value != null ? value : method.getDefaultValue();
                });
    }
}
