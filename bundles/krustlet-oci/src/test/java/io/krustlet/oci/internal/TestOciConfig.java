package io.krustlet.oci.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** Helpers shared by tests here and in other modules (via the test-jar). */
public final class TestOciConfig {

    private TestOciConfig() {
    }

    /** An image service configuration: a store folder, plain HTTP for {@code insecure}, nothing else. */
    public static OciConfig of(Path store, String insecure) {
        return new OciConfig() {
            public Class<? extends Annotation> annotationType() { return OciConfig.class; }
            public String storeDir() { return store.toString(); }
            public long maxStoreSize() { return 0; }
            public String insecureRegistries() { return insecure; }
            public String caBundle() { return ""; }
            public String dockerConfig() { return ""; }
        };
    }

    /** Sends a response from a test HTTP server. */
    static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
