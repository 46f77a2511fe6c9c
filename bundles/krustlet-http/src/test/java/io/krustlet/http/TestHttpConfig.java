package io.krustlet.http;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** An {@link HttpConfig} as Config Admin would hand it: every key at its default unless set. */
final class TestHttpConfig {

    private final Map<String, Object> values = new HashMap<>();

    static TestHttpConfig defaults() {
        return new TestHttpConfig();
    }

    TestHttpConfig with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    HttpConfig build() {
        Map<String, Object> copy = Map.copyOf(values);
        return (HttpConfig) Proxy.newProxyInstance(HttpConfig.class.getClassLoader(), new Class<?>[] {HttpConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> HttpConfig.class;
                    case "toString" -> "HttpConfig" + copy;
                    case "hashCode" -> copy.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> copy.containsKey(method.getName()) ? copy.get(method.getName()) : method.getDefaultValue();
                });
    }
}
